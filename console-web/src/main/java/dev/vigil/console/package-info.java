/** The console server: HTTP wiring, authentication and operational endpoints. */
@NullMarked
package dev.vigil.console;

import org.jspecify.annotations.NullMarked;

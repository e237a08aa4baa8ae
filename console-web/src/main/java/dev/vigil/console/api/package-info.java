/** The JSON query API under {@code /api/v1}: parameter validation, the API's shapes and errors. */
@NullMarked
package dev.vigil.console.api;

import org.jspecify.annotations.NullMarked;

/** The append-only audit log: who did what to which target, when and from where. */
@NullMarked
package dev.vigil.console.audit;

import org.jspecify.annotations.NullMarked;

/** The console's own database schema, migrated apart from the telemetry schema. */
@NullMarked
package dev.vigil.console.schema;

import org.jspecify.annotations.NullMarked;

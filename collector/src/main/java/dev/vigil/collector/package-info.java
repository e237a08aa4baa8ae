/** The collector process: configuration and the server wiring OTLP/HTTP ingest to the store. */
@NullMarked
package dev.vigil.collector;

import org.jspecify.annotations.NullMarked;

/**
 * OTLP/HTTP: the endpoint, body decoding (protobuf and OTLP JSON), and conversion of requests to
 * rows under input limits.
 */
@NullMarked
package dev.vigil.collector.otlp;

import org.jspecify.annotations.NullMarked;

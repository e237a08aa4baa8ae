/** Shared JUnit 5 extensions for the real dependencies tests run against. */
@NullMarked
package dev.vigil.testing;

import org.jspecify.annotations.NullMarked;

/**
 * The {@code console} registry plugin: the Vigil console's registry API as a framework-lite {@link
 * dev.vigil.framework.registry.Registry}, with a memory and file cache for console outages.
 */
@NullMarked
package dev.vigil.framework.registry.console;

import org.jspecify.annotations.NullMarked;

/**
 * The config client for the Vigil console's config center: {@link
 * dev.vigil.framework.config.console.ConfigClient}.
 */
@NullMarked
package dev.vigil.framework.config.console;

import org.jspecify.annotations.NullMarked;

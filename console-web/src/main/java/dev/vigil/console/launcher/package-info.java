/**
 * The {@code vigil.jar} command line: subcommands, flags and environment, start and graceful stop.
 */
@NullMarked
package dev.vigil.console.launcher;

import org.jspecify.annotations.NullMarked;

/**
 * The config center: environments, applications and typed entries, numbered releases with diffs,
 * rollback, gray release, encrypted secrets, and the instance view with blocking queries. Served
 * under {@code /api/v1/config}; see {@code docs/config-center.md}.
 */
@NullMarked
package dev.vigil.console.config;

import org.jspecify.annotations.NullMarked;

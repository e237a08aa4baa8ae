/**
 * Access to the console's guarded APIs: bearer tokens stored hashed with their scopes, the check a
 * handler makes ({@link dev.vigil.console.access.AccessControl#require}), and token management.
 */
@NullMarked
package dev.vigil.console.access;

import org.jspecify.annotations.NullMarked;

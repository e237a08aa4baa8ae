/**
 * People who sign in to the web console: users with password hashes and roles, sessions carried by
 * an HttpOnly cookie with a CSRF token, the first admin's bootstrap and rate-limited sign-in.
 */
@NullMarked
package dev.vigil.console.users;

import org.jspecify.annotations.NullMarked;

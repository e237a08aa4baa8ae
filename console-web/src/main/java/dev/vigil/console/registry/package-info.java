/**
 * The service registry server: state in PostgreSQL, blocking queries woken across replicas by
 * LISTEN/NOTIFY, TTL expiry, operator controls and the registry API.
 */
@NullMarked
package dev.vigil.console.registry;

import org.jspecify.annotations.NullMarked;

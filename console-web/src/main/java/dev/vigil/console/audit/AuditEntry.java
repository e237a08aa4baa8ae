package dev.vigil.console.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/**
 * One audit log entry as read back.
 *
 * @param id increasing with time; the cursor for paging ({@code before})
 * @param atUnixNano when it happened
 * @param actor token name, or {@code system:<job>}
 * @param action what was done, dotted, for example {@code registry.node.register}
 * @param target what it was done to, for example {@code registry/orders/orders-1}
 * @param details action-specific JSON
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditEntry(
    long id,
    long atUnixNano,
    String actor,
    String action,
    String target,
    JsonNode details,
    @Nullable String remoteAddress,
    @Nullable String forwardedFor) {}

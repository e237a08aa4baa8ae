package dev.vigil.console.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.console.api.BadParameterException;
import dev.vigil.console.api.JsonBody;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A validated register-or-renew request for one node: {@code PUT
 * /api/v1/registry/services/{service}/nodes/{nodeId}} with {@code
 * {"version","address","metadata","endpoints","ttlSeconds"}}.
 *
 * @param metadataJson the metadata as a JSON object of strings
 * @param endpointsJson the endpoints as a JSON array of objects with a {@code name}
 */
record NodeRegistration(
    String service,
    String nodeId,
    String version,
    String address,
    Map<String, String> metadata,
    String metadataJson,
    String endpointsJson,
    int ttlSeconds) {
  static final int DEFAULT_TTL_SECONDS = 30;
  static final int MAX_TTL_SECONDS = 3600;
  static final int MAX_METADATA_ENTRIES = 64;
  static final int MAX_METADATA_KEY_LENGTH = 128;
  static final int MAX_METADATA_VALUE_LENGTH = 1024;
  static final int MAX_ENDPOINTS = 512;
  static final int MAX_ENDPOINTS_BYTES = 64 * 1024;
  static final int DEFAULT_WEIGHT = 100;
  static final int MAX_WEIGHT = 10_000;

  private static final Pattern METADATA_KEY = Pattern.compile("[A-Za-z0-9._/:-]{1,128}");

  static NodeRegistration parse(String service, String nodeId, JsonBody body) {
    Names.service(service);
    Names.nodeId(nodeId);
    String version = body.text("version");
    Names.version(version == null ? "" : version);
    String address = Names.address(body.requiredText("address"));
    Map<String, String> metadata = body.textMap("metadata");
    if (metadata.size() > MAX_METADATA_ENTRIES) {
      throw new BadParameterException(
          "metadata", metadata.size() + " entries", "at most " + MAX_METADATA_ENTRIES);
    }
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      if (!METADATA_KEY.matcher(e.getKey()).matches()) {
        throw new BadParameterException(
            "metadata", e.getKey(), "keys of 1-" + MAX_METADATA_KEY_LENGTH + " [A-Za-z0-9._/:-]");
      }
      if (e.getValue().length() > MAX_METADATA_VALUE_LENGTH) {
        throw new BadParameterException(
            "metadata." + e.getKey(),
            e.getValue().length() + " characters",
            "at most " + MAX_METADATA_VALUE_LENGTH + " characters");
      }
    }
    JsonNode endpoints = body.raw("endpoints");
    String endpointsJson = "[]";
    if (endpoints != null) {
      if (!endpoints.isArray() || endpoints.size() > MAX_ENDPOINTS) {
        throw new BadParameterException(
            "endpoints",
            endpoints.isArray() ? endpoints.size() + " endpoints" : endpoints.getNodeType().name(),
            "an array of at most " + MAX_ENDPOINTS + " objects with a name");
      }
      for (JsonNode endpoint : endpoints) {
        JsonNode name = endpoint.get("name");
        if (!endpoint.isObject()
            || name == null
            || !name.isTextual()
            || name.textValue().isEmpty()
            || name.textValue().length() > 256) {
          String shown = endpoint.toString();
          throw new BadParameterException(
              "endpoints",
              shown.length() > 64 ? shown.substring(0, 61) + "..." : shown,
              "objects with a name of 1-256 characters");
        }
      }
      endpointsJson = endpoints.toString();
      if (endpointsJson.length() > MAX_ENDPOINTS_BYTES) {
        throw new BadParameterException(
            "endpoints",
            endpointsJson.length() + " bytes",
            "at most " + MAX_ENDPOINTS_BYTES + " bytes of JSON");
      }
    }
    Long ttl = body.longIn("ttlSeconds", 1, MAX_TTL_SECONDS);
    return new NodeRegistration(
        service,
        nodeId,
        version == null ? "" : version,
        address,
        Map.copyOf(metadata),
        JsonBody.toJson(metadata),
        endpointsJson,
        ttl == null ? DEFAULT_TTL_SECONDS : ttl.intValue());
  }

  /** The weight a new node starts with: its {@code weight} metadata if valid, else 100. */
  int initialWeight() {
    String raw = metadata.get("weight");
    if (raw != null) {
      try {
        int weight = Integer.parseInt(raw.trim());
        if (weight >= 1 && weight <= MAX_WEIGHT) {
          return weight;
        }
      } catch (NumberFormatException ignored) {
        // not a usable weight: the default applies
      }
    }
    return DEFAULT_WEIGHT;
  }
}

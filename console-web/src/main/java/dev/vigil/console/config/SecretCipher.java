package dev.vigil.console.config;

import static java.util.Objects.requireNonNull;

import dev.vigil.console.api.ApiException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Encrypts secret config values at rest with AES-256-GCM. Each value gets a fresh random 96-bit
 * nonce; the stored form is {@code nonce || ciphertext || tag}. The entry's {@code env/app/key} is
 * the associated data, so a ciphertext copied onto another entry fails to decrypt.
 *
 * <p>The key is 32 bytes, base64-encoded, from {@value #KEY_ENV} or from the file named by {@value
 * #KEY_FILE_ENV}. Without a key the cipher is {@link #disabled()}: secrets can be neither created
 * nor read, and the API says how to configure one.
 *
 * <p>Thread-safe: a new {@link Cipher} per call.
 */
public final class SecretCipher {
  public static final String KEY_ENV = "VIGIL_CONFIG_KEY";
  public static final String KEY_FILE_ENV = "VIGIL_CONFIG_KEY_FILE";
  static final String NO_KEY_MESSAGE =
      "secrets need an encryption key: set "
          + KEY_ENV
          + " (base64 of 32 random bytes, e.g. `openssl rand -base64 32`) or "
          + KEY_FILE_ENV
          + " (a file holding it) and restart the console";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final @Nullable SecretKeySpec key;

  private SecretCipher(@Nullable SecretKeySpec key) {
    this.key = key;
  }

  /** A cipher with the given base64 256-bit key; throws naming the problem otherwise. */
  public static SecretCipher ofBase64Key(String base64) {
    requireNonNull(base64, "base64");
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(base64.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "config key: not base64 (expected: base64 of 32 random bytes)");
    }
    if (raw.length != 32) {
      throw new IllegalArgumentException(
          "config key: " + raw.length + " bytes (expected: 32 bytes, base64-encoded)");
    }
    SecretCipher cipher = new SecretCipher(new SecretKeySpec(raw, "AES"));
    Arrays.fill(raw, (byte) 0);
    return cipher;
  }

  /** A cipher without a key: {@link #enabled()} is false. */
  public static SecretCipher disabled() {
    return new SecretCipher(null);
  }

  /**
   * The cipher configured by {@value #KEY_ENV} or {@value #KEY_FILE_ENV} (the variable wins when
   * both are set), or {@link #disabled()} when neither is. A set but unusable key throws, so a
   * misconfigured console fails at start rather than at the first secret.
   */
  public static SecretCipher fromEnvironment(Map<String, String> env) {
    String inline = env.get(KEY_ENV);
    if (inline != null && !inline.isBlank()) {
      return ofBase64Key(inline);
    }
    String file = env.get(KEY_FILE_ENV);
    if (file != null && !file.isBlank()) {
      try {
        return ofBase64Key(Files.readString(Path.of(file.trim()), StandardCharsets.US_ASCII));
      } catch (IOException e) {
        throw new UncheckedIOException(KEY_FILE_ENV + ": cannot read " + file.trim(), e);
      }
    }
    return disabled();
  }

  public boolean enabled() {
    return key != null;
  }

  byte[] encrypt(String plaintext, String associatedData) {
    SecretKeySpec k = requireKey();
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, k, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[NONCE_BYTES + sealed.length];
      System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
      System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  String decrypt(byte[] stored, String associatedData) {
    SecretKeySpec k = requireKey();
    if (stored.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new ApiException(500, "a stored secret is corrupt");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, k, new GCMParameterSpec(TAG_BITS, stored, 0, NONCE_BYTES));
      cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
      byte[] plain = cipher.doFinal(stored, NONCE_BYTES, stored.length - NONCE_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new ApiException(
          500, "a stored secret does not decrypt with the configured key (was the key changed?)");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  private SecretKeySpec requireKey() {
    SecretKeySpec k = key;
    if (k == null) {
      throw new ApiException(503, NO_KEY_MESSAGE);
    }
    return k;
  }

  @Override
  public String toString() {
    return enabled() ? "SecretCipher[AES-256-GCM]" : "SecretCipher[disabled]";
  }
}

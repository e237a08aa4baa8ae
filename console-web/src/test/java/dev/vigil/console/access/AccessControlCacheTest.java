package dev.vigil.console.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.console.schema.ConsoleSchema;
import dev.vigil.testing.PostgresExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The token lookup cache against a real database: one query per token, stale serving, revocation.
 */
class AccessControlCacheTest {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  static Jdbi jdbi;

  @BeforeAll
  static void migrate() {
    ConsoleSchema.migrate(postgres.dataSource());
    jdbi = Jdbi.create(postgres.dataSource());
  }

  @Test
  void concurrentLookupsOfAnUncachedTokenQueryOnce() throws Exception {
    AccessControl access = AccessControl.builder(jdbi).build();
    String token = access.issue("cold-1", List.of("admin"), null, "test").token();

    List<Optional<Principal>> results = concurrently(64, () -> access.lookup(token));

    assertThat(results).allSatisfy(p -> assertThat(p).map(Principal::name).hasValue("cold-1"));
    assertThat(access.databaseLookups()).isEqualTo(1);
  }

  @Test
  void concurrentLookupsOfAnExpiredEntryQueryOnceAndAreServed() throws Exception {
    AccessControl access = AccessControl.builder(jdbi).cacheTtl(Duration.ofMillis(500)).build();
    String token = access.issue("stale-1", List.of("admin"), null, "test").token();
    assertThat(access.lookup(token)).isPresent();
    Thread.sleep(600); // expired, still within the stale window

    List<Optional<Principal>> results = concurrently(64, () -> access.lookup(token));

    assertThat(results).allSatisfy(p -> assertThat(p).map(Principal::name).hasValue("stale-1"));
    assertThat(access.databaseLookups()).isEqualTo(2);
  }

  @Test
  void tokenRevokedOnThisReplicaIsRefusedAtOnce() {
    AccessControl access = AccessControl.builder(jdbi).build();
    String token = access.issue("revoked-1", List.of("admin"), null, "test").token();
    assertThat(access.lookup(token)).isPresent();

    assertThat(access.revoke("revoked-1")).isTrue();

    assertThat(access.lookup(token)).isEmpty();
  }

  @Test
  void tokenRevokedElsewhereIsRefusedWithinTwiceTheTtl() throws Exception {
    AccessControl access = AccessControl.builder(jdbi).cacheTtl(Duration.ofMillis(200)).build();
    AccessControl otherReplica = AccessControl.builder(jdbi).build();
    String token = access.issue("revoked-2", List.of("admin"), null, "test").token();
    assertThat(access.lookup(token)).isPresent();

    otherReplica.revoke("revoked-2");
    Thread.sleep(450);

    assertThat(access.lookup(token)).isEmpty();
  }

  @Test
  void unknownTokensAreCachedBrieflyAndNeverServedStale() throws Exception {
    AccessControl access = AccessControl.builder(jdbi).cacheTtl(Duration.ofMillis(200)).build();

    List<Optional<Principal>> results = concurrently(32, () -> access.lookup("vgt_unknown"));
    assertThat(results).allSatisfy(p -> assertThat(p).isEmpty());
    assertThat(access.databaseLookups()).isEqualTo(1);
    assertThat(access.lookup("vgt_unknown")).isEmpty();
    assertThat(access.databaseLookups()).isEqualTo(1);

    Thread.sleep(250);
    assertThat(access.lookup("vgt_unknown")).isEmpty();
    assertThat(access.databaseLookups()).isEqualTo(2);
  }

  @Test
  void issuedTokenIsAcceptedDespiteAnEarlierRefusal() {
    AccessControl access = AccessControl.builder(jdbi).build();
    String token = access.issue("fresh-1", List.of("admin"), null, "test").token();
    jdbi.useHandle(h -> h.execute("DELETE FROM console.token WHERE name = 'fresh-1'"));
    assertThat(access.revoke("nobody")).isFalse(); // forget the positive entry
    assertThat(access.lookup(token)).isEmpty(); // now cached as unknown

    // The same secret stored again, then another token issued on this replica.
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "INSERT INTO console.token (name, token_hash, scopes, created_by)"
                        + " VALUES ('fresh-2', :hash, ARRAY['admin'], 'test')")
                .bind("hash", AccessControl.sha256(token))
                .execute());
    access.issue("fresh-3", Set.of("admin"), null, "test");

    assertThat(access.lookup(token)).map(Principal::name).hasValue("fresh-2");
  }

  private static <T> List<T> concurrently(int n, java.util.concurrent.Callable<T> task)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<T>> futures = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return task.call();
                }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get());
      }
      return results;
    } finally {
      pool.shutdown();
    }
  }
}

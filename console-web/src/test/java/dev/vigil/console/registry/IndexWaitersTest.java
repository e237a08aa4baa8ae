package dev.vigil.console.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.console.api.ApiException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IndexWaitersTest {
  final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  final IndexWaiters waiters = new IndexWaiters(timer, 3);

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  @Test
  void changePastTheSeenIndexWakesOnlyThatServiceAndTheList() throws Exception {
    CompletableFuture<Boolean> orders = waiters.await("orders", 5, Duration.ofSeconds(30));
    CompletableFuture<Boolean> payments = waiters.await("payments", 5, Duration.ofSeconds(30));
    CompletableFuture<Boolean> list = waiters.await(IndexWaiters.ALL, 5, Duration.ofSeconds(30));
    waiters.changed("orders", 5);
    assertThat(orders).isNotDone();
    waiters.changed("orders", 6);
    assertThat(orders.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(list.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(payments).isNotDone();
    assertThat(waiters.size()).isEqualTo(1);
  }

  @Test
  void waitEndsUnmovedAfterItsTime() throws Exception {
    CompletableFuture<Boolean> waiter = waiters.await("orders", 5, Duration.ofMillis(50));
    assertThat(waiter.get(2, TimeUnit.SECONDS)).isFalse();
    assertThat(waiters.size()).isZero();
  }

  @Test
  void recheckWakesWaitersBehindTheCurrentIndex() throws Exception {
    CompletableFuture<Boolean> behind = waiters.await("orders", 5, Duration.ofSeconds(30));
    CompletableFuture<Boolean> current = waiters.await("payments", 9, Duration.ofSeconds(30));
    waiters.recheck(key -> Map.of("orders", 7L, "payments", 9L).get(key));
    assertThat(behind.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(current).isNotDone();
  }

  @Test
  void refusesMoreThanItsLimitAndCloseEndsEveryWait() throws Exception {
    CompletableFuture<Boolean> first = waiters.await("a", 1, Duration.ofSeconds(30));
    waiters.await("b", 1, Duration.ofSeconds(30));
    waiters.await("c", 1, Duration.ofSeconds(30));
    assertThatThrownBy(() -> waiters.await("d", 1, Duration.ofSeconds(30)))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(503));
    waiters.close();
    assertThat(first.get(10, TimeUnit.SECONDS)).isFalse();
    assertThat(waiters.size()).isZero();
  }
}

package dev.gridqueue.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FailoverTest {
  private long nowNanos;
  private final Failover failover = new Failover(() -> nowNanos, Duration.ofSeconds(60));

  @Test
  void shouldBackOffFromZeroToTwoSecondsWhileNoNodeAnswers() {
    // given
    List<Long> delays = new ArrayList<>();

    // when: the streams break, then every attempt breaks unanswered
    delays.add(failover.broke(Status.UNAVAILABLE, true));
    for (int i = 0; i < 8; i++) {
      delays.add(failover.broke(Status.UNAVAILABLE, false));
    }

    // then
    assertThat(delays).containsExactly(0L, 100L, 200L, 400L, 800L, 1_600L, 2_000L, 2_000L, 2_000L);
    assertThat(failover.state()).isEqualTo(Failover.State.REATTACHING);
  }

  @Test
  void shouldGiveUpOnlyAfterTheGiveUpTimeWithoutAnAnsweringNode() {
    // given
    failover.broke(Status.UNAVAILABLE, true);

    // when
    nowNanos += TimeUnit.SECONDS.toNanos(60);
    boolean atTheLimit = failover.shouldGiveUp();
    nowNanos += TimeUnit.MILLISECONDS.toNanos(1);

    // then
    assertThat(atTheLimit).isFalse();
    assertThat(failover.shouldGiveUp()).isTrue();
    assertThat(failover.lastError().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void shouldStartANewOutageWhenTheBrokenStreamsNodeHadAnswered() {
    // given: an outage of 50 s, then a node that answered, then its streams break too
    failover.broke(Status.UNAVAILABLE, true);
    failover.broke(Status.UNAVAILABLE, false);
    nowNanos += TimeUnit.SECONDS.toNanos(50);
    failover.reattached();

    // when
    long delay = failover.broke(Status.CANCELLED, true);
    nowNanos += TimeUnit.SECONDS.toNanos(50);

    // then: back-off and give-up time start again
    assertThat(delay).isZero();
    assertThat(failover.shouldGiveUp()).isFalse();
  }

  @Test
  void shouldKeepCountingTheOutageAcrossAnAttachmentNoNodeAnswered() {
    // given
    failover.broke(Status.UNAVAILABLE, true);
    failover.reattached();
    nowNanos += TimeUnit.SECONDS.toNanos(61);

    // when: the new streams break before their node ever answered
    long delay = failover.broke(Status.UNAVAILABLE, false);

    // then
    assertThat(delay).isEqualTo(100L);
    assertThat(failover.shouldGiveUp()).isTrue();
  }

  @Test
  void shouldMoveBetweenStatesAsTheSessionGoes() {
    // given
    assertThat(failover.state()).isEqualTo(Failover.State.ATTACHED);

    // when / then
    failover.broke(Status.UNAVAILABLE, true);
    assertThat(failover.state()).isEqualTo(Failover.State.REATTACHING);
    failover.reattached();
    assertThat(failover.state()).isEqualTo(Failover.State.ATTACHED);
    assertThatThrownBy(failover::reattached).isInstanceOf(IllegalStateException.class);
    failover.finished();
    assertThat(failover.state()).isEqualTo(Failover.State.FINISHED);
    assertThat(failover.isOver()).isTrue();
    assertThatThrownBy(failover::failed).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> failover.broke(Status.UNAVAILABLE, true))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shouldNotGiveUpWhileAttached() {
    // given
    nowNanos += TimeUnit.HOURS.toNanos(1);

    // when / then
    assertThat(failover.shouldGiveUp()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Status.Code.class)
  void shouldTreatOnlyAnUnreachableNodeAsATransportFailure(Status.Code code) {
    // given
    Status status = Status.fromCode(code);

    // when
    boolean failOver = Failover.isTransportFailure(status, false);
    boolean failOverOwnCancel = Failover.isTransportFailure(status, true);

    // then
    assertThat(failOver)
        .isEqualTo(code == Status.Code.UNAVAILABLE || code == Status.Code.CANCELLED);
    assertThat(failOverOwnCancel)
        .as("a cancel of this client's own")
        .isEqualTo(code == Status.Code.UNAVAILABLE);
  }
}

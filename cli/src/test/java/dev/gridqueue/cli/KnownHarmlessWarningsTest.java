package dev.gridqueue.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;

class KnownHarmlessWarningsTest {
  @Test
  void shouldDropTheKnownWarningOnlyFromItsLogger() {
    // given
    LoggerContext context = new LoggerContext();
    KnownHarmlessWarnings filter = new KnownHarmlessWarnings();
    filter.start();
    context.addTurboFilter(filter);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(lines);
    Logger state =
        context.getLogger(
            "org.apache.ignite.internal.processors.cluster.GridClusterStateProcessor");

    // when
    state.warn(
        "Received state finish message with unexpected ID: ChangeGlobalStateFinishMessage [id=1]");
    state.warn("Some other warning");
    context
        .getLogger("org.apache.ignite.SomewhereElse")
        .warn("Received state finish message with unexpected ID: elsewhere");

    // then
    assertThat(lines.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly(
            "Some other warning", "Received state finish message with unexpected ID: elsewhere");
  }
}

package dev.gridqueue.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskSession;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dashboard in a real headless browser: a running session's line, its progress moving as the
 * page refreshes itself, the worker bound to it; a screenshot is left in target/dashboard.png.
 */
class DashboardBrowserIT {
  @RegisterExtension static EmbeddedGrid grid = new EmbeddedGrid(2).withOpsEndpoints();

  @Test
  void shouldShowARunningSessionsProgressLiveInABrowser() throws Exception {
    Path target = Files.createDirectories(Path.of("target"));
    GridQueueClient client = new GridQueueClient(grid.newChannel());
    try (WebDriver browser = WebDriver.start(target.resolve("chromedriver.log"));
        TaskSession session =
            client.openSession(SessionOptions.forApp("sleep").batchSize(1).build())) {
      // given: 300 tasks of 100 ms on 2 slots (about 15 s of work)
      for (int i = 0; i < 300; i++) {
        session.submit("t" + i, "100".getBytes(StandardCharsets.US_ASCII));
      }
      session.flush();

      // when
      browser.open("http://127.0.0.1:" + grid.server().dashboardPort().getAsInt() + "/");

      // then: the session's line shows progress under way, and it moves without a reload
      String row = "document.querySelector('tr.session[data-id=\"" + session.id() + "\"]')";
      AtomicInteger first = new AtomicInteger();
      await("the session's progress under way")
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                first.set(percent(browser, row));
                return first.get() > 0 && first.get() < 100;
              });
      await("the progress moving as the page refreshes")
          .atMost(Duration.ofSeconds(30))
          .until(() -> percent(browser, row) > first.get());
      assertThat(
              browser.script("return document.getElementById('workers').innerText;").getAsString())
          .contains(session.id());
      assertThat(browser.script("return document.getElementById('state').innerText;").getAsString())
          .isEqualTo("scheduler reachable");
      browser.screenshot(target.resolve("dashboard.png"));
    }
  }

  /** The session row's progress in percent; -1 while the row is not on the page. */
  private static int percent(WebDriver browser, String row) throws Exception {
    var value =
        browser.script(
            "const r = " + row + "; return r ? r.querySelector('.pct').innerText : null;");
    return value.isJsonNull() ? -1 : Integer.parseInt(value.getAsString().replace("%", ""));
  }
}

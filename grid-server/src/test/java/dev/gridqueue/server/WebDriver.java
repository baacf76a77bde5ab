package dev.gridqueue.server;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.gridqueue.grid.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A headless Chromium driven through chromedriver's W3C WebDriver HTTP protocol (no Selenium): for
 * tests that must see what a browser renders. Needs Debian's {@code chromium} and {@code
 * chromium-driver}; without them {@link #start} fails saying so.
 */
final class WebDriver implements AutoCloseable {
  private static final Gson GSON = new Gson();
  private static final List<Path> DRIVERS =
      List.of(Path.of("/usr/bin/chromedriver"), Path.of("/usr/lib/chromium/chromedriver"));
  private static final List<Path> BROWSERS =
      List.of(Path.of("/usr/bin/chromium"), Path.of("/usr/lib/chromium/chromium"));

  private final Process driver;
  private final HttpClient http = HttpClient.newHttpClient();
  private final String base;
  private String session;

  private WebDriver(Process driver, String base) {
    this.driver = driver;
    this.base = base;
  }

  static WebDriver start(Path log) throws Exception {
    Path driverBinary = DRIVERS.stream().filter(Files::isExecutable).findFirst().orElse(null);
    Path browser = BROWSERS.stream().filter(Files::isExecutable).findFirst().orElse(null);
    if (driverBinary == null || browser == null) {
      throw new IllegalStateException(
          "this test needs a headless browser: install Debian's chromium and chromium-driver"
              + " (apt-get install chromium chromium-driver; .ci/run installs them)");
    }
    int port = FreePorts.any();
    Process process =
        new ProcessBuilder(driverBinary.toString(), "--port=" + port)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    WebDriver d = new WebDriver(process, "http://127.0.0.1:" + port);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        if (d.call("GET", "/status", null).getAsJsonObject("value").get("ready").getAsBoolean()) {
          break;
        }
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline || !process.isAlive()) {
          d.close();
          throw new IllegalStateException("chromedriver did not start; see " + log, notYet);
        }
      }
      Thread.sleep(100); // polling a process we just started: nothing to await on
    }
    Map<String, Object> chrome =
        Map.of(
            "binary",
            browser.toString(),
            "args",
            List.of(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--window-size=1400,1000"));
    JsonObject created =
        d.call(
                "POST",
                "/session",
                Map.of(
                    "capabilities",
                    Map.of(
                        "alwaysMatch",
                        Map.of("browserName", "chrome", "goog:chromeOptions", chrome))))
            .getAsJsonObject("value");
    d.session = created.get("sessionId").getAsString();
    return d;
  }

  void open(String url) throws Exception {
    call("POST", "/session/" + session + "/url", Map.of("url", url));
  }

  /** Runs {@code script} (a function body) in the page; returns its JSON value. */
  JsonElement script(String script) throws Exception {
    return call(
            "POST",
            "/session/" + session + "/execute/sync",
            Map.of("script", script, "args", List.of()))
        .get("value");
  }

  void screenshot(Path png) throws Exception {
    String base64 =
        call("GET", "/session/" + session + "/screenshot", null).get("value").getAsString();
    Files.write(png, Base64.getDecoder().decode(base64));
  }

  private JsonObject call(String method, String path, Object body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(GSON.toJson(body)));
    request.header("Content-Type", "application/json");
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "WebDriver "
              + method
              + " "
              + path
              + " answered "
              + response.statusCode()
              + ": "
              + response.body());
    }
    return GSON.fromJson(response.body(), JsonObject.class);
  }

  @Override
  public void close() {
    try {
      if (session != null) {
        call("DELETE", "/session/" + session, null);
      }
    } catch (Exception e) {
      // the driver is killed below either way
    }
    driver.descendants().forEach(ProcessHandle::destroyForcibly);
    driver.destroyForcibly();
  }
}

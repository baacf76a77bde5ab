package dev.gridqueue.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.data.time.FixedMillisecond;
import org.jfree.data.time.TimeSeries;
import org.jfree.data.time.TimeSeriesCollection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gridqueue plot STATSLOG -o run.png}: tasks waiting and running, tasks ended, and workers
 * over time, from a stats log ({@code server --stats-log}), drawn with JFreeChart without a
 * display.
 */
@Command(
    name = "plot",
    mixinStandardHelpOptions = true,
    description =
        "Draw tasks waiting/running/done and workers over time from a stats log"
            + " (server --stats-log) into a PNG.")
final class PlotCommand implements Callable<Integer> {
  /** One colour per series across the panels, so the one legend reads without doubt. */
  private static final Color[] COLORS = {
    new Color(0x1f77b4),
    new Color(0xff7f0e),
    new Color(0x2ca02c),
    new Color(0xd62728),
    new Color(0x9467bd),
    new Color(0x8c564b)
  };

  @Parameters(index = "0", paramLabel = "STATSLOG", description = "The stats log to draw.")
  Path statsLog;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "PNG",
      description = "The image to write (default: STATSLOG.png).")
  Path output;

  @Option(names = "--width", description = "Width in pixels (default: ${DEFAULT-VALUE}).")
  int width = 1200;

  @Option(names = "--height", description = "Height in pixels (default: ${DEFAULT-VALUE}).")
  int height = 900;

  @Override
  public Integer call() {
    if (width < 100 || height < 100 || width > 20_000 || height > 20_000) {
      System.err.println("gridqueue plot: --width and --height must be between 100 and 20000");
      return ExitCodes.USAGE;
    }
    StatsLogFile log;
    try {
      log = StatsLogFile.read(statsLog);
    } catch (IOException e) {
      System.err.println("gridqueue plot: cannot read " + statsLog + ": " + e.getMessage());
      return ExitCodes.USAGE;
    }
    if (log.rows().isEmpty()) {
      System.err.println("gridqueue plot: " + statsLog + " holds no figures yet");
      return ExitCodes.FAILED;
    }
    Path png = output != null ? output : Path.of(statsLog + ".png");
    System.setProperty("java.awt.headless", "true"); // no display needed
    try {
      ChartUtils.saveChartAsPNG(png.toFile(), chart(log.rows()), width, height);
    } catch (IOException e) {
      System.err.println("gridqueue plot: cannot write " + png + ": " + e.getMessage());
      return ExitCodes.FAILED;
    }
    System.out.println("gridqueue plot: " + log.rows().size() + " points drawn into " + png);
    return ExitCodes.OK;
  }

  static JFreeChart chart(List<StatsLogFile.Row> rows) {
    DateAxis time = new DateAxis("time");
    CombinedDomainXYPlot plot = new CombinedDomainXYPlot(time);
    plot.setGap(12);
    plot.add(panel(rows, 0, "tasks", "tasks_waiting", "tasks_running"), 2);
    plot.add(panel(rows, 2, "tasks ended", "tasks_done", "tasks_dead_lettered"), 2);
    plot.add(panel(rows, 4, "workers", "workers_connected", "workers_busy"), 1);
    JFreeChart chart =
        new JFreeChart("gridqueue stats log", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  private static XYPlot panel(
      List<StatsLogFile.Row> rows, int firstColor, String label, String... columns) {
    TimeSeriesCollection data = new TimeSeriesCollection();
    for (String column : columns) {
      TimeSeries series = new TimeSeries(column.replace('_', ' '));
      for (StatsLogFile.Row r : rows) {
        series.addOrUpdate(new FixedMillisecond(r.micros() / 1000), r.get(column));
      }
      data.addSeries(series);
    }
    NumberAxis axis = new NumberAxis(label);
    axis.setAutoRangeIncludesZero(true);
    axis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    XYStepRenderer renderer = new XYStepRenderer();
    for (int i = 0; i < columns.length; i++) {
      renderer.setSeriesPaint(i, COLORS[(firstColor + i) % COLORS.length]);
      renderer.setSeriesStroke(i, new BasicStroke(2f));
    }
    XYPlot panel = new XYPlot(data, null, axis, renderer);
    panel.setBackgroundPaint(Color.WHITE);
    panel.setDomainGridlinePaint(Color.LIGHT_GRAY);
    panel.setRangeGridlinePaint(Color.LIGHT_GRAY);
    return panel;
  }
}

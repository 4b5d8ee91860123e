package io.threatline.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A horizontal bar chart of the throughput figures as a self-contained SVG: one panel per unit
 * (events/s, records/s, ops/s), each on its own linear scale, so micro-benchmarks in millions do
 * not flatten the harness figures. A lower-bound target of the same unit is drawn as a dashed
 * line across the bar; bars are green when their target is met, red when not, grey without one.
 */
public final class BarChart {

    static final int WIDTH = 1000;
    static final int LABEL_WIDTH = 470;
    static final int BAR_WIDTH = 400;
    static final int ROW = 22;
    static final int PANEL_GAP = 34;

    private BarChart() {}

    public static String svg(String title, List<ResultLine> rows) {
        Map<String, List<ResultLine>> panels = new LinkedHashMap<>();
        for (ResultLine r : rows) {
            if (r.isThroughput()) {
                panels.computeIfAbsent(r.unit(), u -> new ArrayList<>()).add(r);
            }
        }
        int height = 50
                + panels.values().stream()
                        .mapToInt(p -> PANEL_GAP + p.size() * ROW)
                        .sum()
                + 20;
        StringBuilder s = new StringBuilder();
        s.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"sans-serif\" font-size=\"12\">%n",
                WIDTH,
                height,
                WIDTH,
                height));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
        s.append(String.format(
                Locale.ROOT,
                "<text x=\"10\" y=\"24\" font-size=\"16\" font-weight=\"bold\">%s</text>%n",
                escape(title)));
        if (panels.isEmpty()) {
            s.append("<text x=\"10\" y=\"50\">no throughput figures</text>\n");
        }
        int y = 50;
        for (Map.Entry<String, List<ResultLine>> panel : panels.entrySet()) {
            y = panel(s, panel.getKey(), panel.getValue(), y);
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static int panel(StringBuilder s, String unit, List<ResultLine> rows, int top) {
        double max = 0;
        for (ResultLine r : rows) {
            max = Math.max(max, r.value());
            if (r.target().isPresent() && r.target().get().isLowerBound()) {
                max = Math.max(max, r.target().get().threshold());
            }
        }
        double scale = max > 0 ? BAR_WIDTH / (max * 1.05) : 0;
        s.append(String.format(
                Locale.ROOT,
                "<text x=\"10\" y=\"%d\" font-size=\"14\" font-weight=\"bold\">%s</text>%n",
                top + 18,
                escape(unit)));
        int y = top + PANEL_GAP - 6;
        for (ResultLine r : rows) {
            int w = (int) Math.round(Math.max(0, r.value()) * scale);
            String color =
                    r.target().isEmpty() ? "#8a9bb0" : r.target().get().isMetBy(r.value()) ? "#3c9d4e" : "#d0483f";
            s.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                    LABEL_WIDTH - 8,
                    y + 15,
                    escape(shorten(r.label(), 64))));
            s.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"><title>%s</title></rect>%n",
                    LABEL_WIDTH,
                    y + 3,
                    w,
                    ROW - 6,
                    color,
                    escape(r.id() + ": " + Figures.display(r.value()) + " " + r.unit())));
            s.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%d\">%s</text>%n",
                    LABEL_WIDTH + w + 6,
                    y + 15,
                    escape(Figures.display(r.value()))));
            if (r.target().isPresent() && r.target().get().isLowerBound()) {
                int x = LABEL_WIDTH + (int) Math.round(r.target().get().threshold() * scale);
                s.append(String.format(
                        Locale.ROOT,
                        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\" stroke-dasharray=\"3,2\"><title>target %s</title></line>%n",
                        x,
                        y + 1,
                        x,
                        y + ROW - 1,
                        escape(r.target().get().display())));
            }
            y += ROW;
        }
        return y + 6;
    }

    static String shorten(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}

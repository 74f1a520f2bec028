package io.flopscope.report;

import io.flopscope.evaluate.Numbers;
import io.flopscope.formula.Rational;
import java.util.ArrayList;
import java.util.List;

/**
 * One self-contained HTML page: inline CSS, inline SVG charts, no scripts, fonts or other external
 * resources, so it opens offline and can be mailed as one file. The module tree is a nest of
 * {@code <details>} elements, so it folds without JavaScript. Sections appear in the order they are
 * added. Pure string building.
 */
public final class HtmlReport {
    private final String title;
    private final String subtitle;
    private final StringBuilder body = new StringBuilder();

    public HtmlReport(String title, String subtitle) {
        this.title = title;
        this.subtitle = subtitle;
    }

    /**
     * A node of a collapsible tree: its name, a note after it (greyed), its cells (one per column), rows
     * of its own kernels (one cell per kernel column) and its children.
     */
    public record Tree(String name, String note, List<Cell> cells, List<List<Cell>> kernels, List<Tree> children) {
        public Tree {
            cells = List.copyOf(cells);
            kernels = List.copyOf(kernels);
            children = List.copyOf(children);
        }
    }

    /** A table cell: the text shown and, optionally, an exact value shown as a tooltip. */
    public record Cell(String text, String exact) {
        public static Cell of(String text) { return new Cell(text, null); }
    }

    // ---- sections -----------------------------------------------------------------------------------

    /** A boxed warning, for instance the parts that could not be analysed. */
    public HtmlReport warning(String heading, List<String> lines) {
        body.append("<section class=\"warning\">\n<h2>").append(escape(heading)).append("</h2>\n<ul>\n");
        for (String l : lines) body.append("<li><code>").append(escape(l)).append("</code></li>\n");
        body.append("</ul>\n</section>\n");
        return this;
    }

    /** Key figures as a two- or three-column table: label, value, note. */
    public HtmlReport facts(String heading, List<String[]> rows) {
        body.append("<section class=\"facts\">\n<h2>").append(escape(heading)).append("</h2>\n<table class=\"facts\">\n");
        for (String[] r : rows) {
            body.append("<tr><th>").append(escape(r[0])).append("</th><td class=\"num\">").append(escape(r[1])).append("</td><td class=\"note\">")
                .append(r.length > 2 && r[2] != null ? escape(r[2]) : "").append("</td></tr>\n");
        }
        body.append("</table>\n</section>\n");
        return this;
    }

    /** Charts side by side (each an SVG string from {@link SvgChart}), with an optional note below. */
    public HtmlReport charts(String heading, List<String> svgs, String note) {
        if (svgs.isEmpty()) return this;
        body.append("<section class=\"charts-section\">\n<h2>").append(escape(heading)).append("</h2>\n<div class=\"charts\">\n");
        for (String s : svgs) body.append("<figure>\n").append(s).append("</figure>\n");
        body.append("</div>\n");
        if (note != null && !note.isEmpty()) body.append("<p class=\"note\">").append(escape(note)).append("</p>\n");
        body.append("</section>\n");
        return this;
    }

    /** A paragraph of plain text. */
    public HtmlReport paragraph(String text) {
        body.append("<p>").append(escape(text)).append("</p>\n");
        return this;
    }

    /**
     * A collapsible tree. Nodes down to {@code openDepth} start unfolded. A node with neither children nor
     * kernels is a plain row.
     */
    public HtmlReport tree(String heading, List<String> columns, Tree root, List<String> kernelColumns, int openDepth) {
        body.append("<section class=\"tree-section\">\n<h2>").append(escape(heading)).append("</h2>\n<div class=\"tree\">\n");
        body.append("<div class=\"row head\"><span class=\"name\">module</span>");
        for (String c : columns) body.append("<span class=\"c\">").append(escape(c)).append("</span>");
        body.append("</div>\n");
        node(root, 0, kernelColumns, openDepth);
        body.append("</div>\n</section>\n");
        return this;
    }

    private void node(Tree n, int level, List<String> kernelColumns, int openDepth) {
        boolean leaf = n.children().isEmpty() && n.kernels().isEmpty();
        StringBuilder row = new StringBuilder();
        row.append("<span class=\"name\">").append(escape(n.name()));
        if (n.note() != null && !n.note().isEmpty()) row.append(" <span class=\"via\">").append(escape(n.note())).append("</span>");
        row.append("</span>");
        for (Cell c : n.cells()) row.append(cell("span", "c", c));
        if (leaf) {
            body.append("<div class=\"row leaf\">").append(row).append("</div>\n");
            return;
        }
        body.append("<details").append(level < openDepth ? " open" : "").append(">\n<summary class=\"row\">").append(row).append("</summary>\n");
        if (!n.kernels().isEmpty()) {
            body.append("<table class=\"kernels\"><thead><tr>");
            for (String k : kernelColumns) body.append("<th>").append(escape(k)).append("</th>");
            body.append("</tr></thead><tbody>\n");
            for (List<Cell> k : n.kernels()) {
                body.append("<tr>");
                for (Cell c : k) body.append(cell("td", null, c));
                body.append("</tr>\n");
            }
            body.append("</tbody></table>\n");
        }
        for (Tree c : n.children()) node(c, level + 1, kernelColumns, openDepth);
        body.append("</details>\n");
    }

    private static String cell(String tag, String cssClass, Cell c) {
        StringBuilder sb = new StringBuilder("<").append(tag);
        if (cssClass != null) sb.append(" class=\"").append(cssClass).append('"');
        if (c.exact() != null) sb.append(" title=\"").append(escape(c.exact())).append('"');
        return sb.append('>').append(escape(c.text())).append("</").append(tag).append('>').toString();
    }

    /** A plain data table. */
    public HtmlReport table(String heading, List<String> columns, List<List<String>> rows) {
        body.append("<section class=\"table-section\">\n<h2>").append(escape(heading)).append("</h2>\n<table class=\"data\"><thead><tr>");
        for (String c : columns) body.append("<th>").append(escape(c)).append("</th>");
        body.append("</tr></thead><tbody>\n");
        for (List<String> r : rows) {
            body.append("<tr>");
            for (String c : r) body.append(c.length() > 24 ? "<td class=\"long\">" : "<td>").append(escape(c)).append("</td>");
            body.append("</tr>\n");
        }
        body.append("</tbody></table>\n</section>\n");
        return this;
    }

    // ---- page ---------------------------------------------------------------------------------------

    static final String CSS = """
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Helvetica,Arial,sans-serif;margin:16px auto;max-width:1160px;color:#1a1a1a;background:#ffffff;font-size:14px}
            h1{font-size:20px;margin:0 0 4px}
            h2{font-size:15px;margin:18px 0 6px;border-bottom:1px solid #ddd;padding-bottom:2px}
            .subtitle{color:#555;margin:0 0 8px;font-family:ui-monospace,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12px}
            table.facts{border-collapse:collapse}
            table.facts th{text-align:left;font-weight:normal;color:#555;padding:1px 14px 1px 0}
            table.facts td{padding:1px 14px 1px 0}
            .num,.c,table.kernels td,table.data td{font-variant-numeric:tabular-nums}
            .note,.via{color:#777}
            .charts{display:flex;flex-wrap:wrap;gap:10px}
            figure{margin:0}
            svg.chart{max-width:100%;height:auto;border:1px solid #ddd;font-family:inherit}
            .tree{font-size:13px}
            .tree .row{display:flex;align-items:baseline;padding:1px 0;border-bottom:1px solid #f0f0f0}
            .tree .row.head{font-weight:bold;border-bottom:1px solid #bbb;padding-left:1.2em}
            .tree .row.leaf{padding-left:1.2em}
            .tree summary{cursor:pointer;list-style:none}
            .tree summary::-webkit-details-marker{display:none}
            .tree summary::before{content:"\\25B8";display:inline-block;width:1.2em;flex:none;color:#666}
            .tree details[open]>summary::before{content:"\\25BE"}
            .tree .name{flex:1;min-width:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
            .tree .c{width:7.2em;text-align:right;flex:none}
            .tree details details,.tree details .leaf,.tree details table.kernels{margin-left:1.2em}
            table.kernels{border-collapse:collapse;font-size:12px;margin:2px 0 4px 2.4em;color:#333}
            table.kernels th,table.kernels td{padding:0 8px;text-align:right;border-bottom:1px solid #f3f3f3}
            table.kernels th:nth-child(2),table.kernels td:nth-child(2){text-align:left}
            table.data{border-collapse:collapse;font-size:12px}
            table.data th,table.data td{padding:1px 8px;text-align:right;border-bottom:1px solid #eee;white-space:nowrap}
            table.data td.long{white-space:normal;overflow-wrap:anywhere;text-align:left;min-width:12em}
            table.facts td.note{overflow-wrap:anywhere}
            section{max-width:100%;overflow-x:auto}
            .warning{border:1px solid #d55e00;background:#fff4ec;padding:4px 10px;margin:8px 0}
            .warning h2{border:none;color:#a33f00}
            footer{color:#999;font-size:11px;margin-top:20px}
            """;

    public String html() {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>" + escape(title) + "</title>\n<style>\n" + CSS + "</style>\n</head>\n<body>\n<header>\n<h1>" + escape(title) + "</h1>\n"
                + (subtitle == null || subtitle.isEmpty() ? "" : "<p class=\"subtitle\">" + escape(subtitle) + "</p>\n") + "</header>\n"
                + body + "<footer>Written by flopscope. Hover over a point or a number for details; click a module to fold it.</footer>\n</body>\n</html>\n";
    }

    /** Escapes text for HTML content and attribute values. */
    public static String escape(String s) {
        if (s == null) return "";
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    // ---- the cost tree --------------------------------------------------------------------------------

    public static final List<String> COST_COLUMNS = List.of("repeat", "FLOPs", "share", "matmul", "vector", "read", "written");
    public static final List<String> COST_KERNEL_COLUMNS = List.of("line", "kernel", "class", "FLOPs", "read", "written");

    /** An evaluated cost tree as a {@link Tree}: every figure is a total over all instances (as in the text report). */
    public static Tree costTree(EvaluatedNode root) {
        return costNode(root, Rational.ONE, root.total().flops());
    }

    private static Tree costNode(EvaluatedNode n, Rational mult, Rational whole) {
        Rational all = mult.multiply(n.repeat());
        Numbers t = EvaluatedNode.scale(n.cumulative(), all);
        List<Cell> cells = List.of(Cell.of("×" + n.repeat().toDecimalString()), si(t.flops(), "FLOP"), Cell.of(Units.percent(t.flops(), whole)),
                si(t.matmulFlops(), "FLOP"), si(t.vectorFlops(), "FLOP"), si(t.bytesRead(), "B"), si(t.bytesWritten(), "B"));
        List<List<Cell>> kernels = new ArrayList<>();
        for (EvaluatedNode.EvaluatedKernel k : n.kernels()) {
            Numbers x = EvaluatedNode.scale(k.numbers(), all);
            kernels.add(List.of(Cell.of(Integer.toString(k.line())), Cell.of(k.title().isEmpty() ? k.operation() : k.title()), Cell.of(k.flopClass().label()),
                    si(x.flops(), "FLOP"), si(x.bytesRead(), "B"), si(x.bytesWritten(), "B")));
        }
        List<Tree> children = new ArrayList<>();
        for (EvaluatedNode c : n.children()) children.add(costNode(c, all, whole));
        return new Tree(n.simpleName(), n.via() == null ? "" : "(" + n.via() + ", line " + n.line() + ")", cells, kernels, children);
    }

    /** An SI figure with the exact value as its tooltip. */
    public static Cell si(Rational r, String unit) { return new Cell(Units.si(r, unit), r.toDecimalString()); }
}

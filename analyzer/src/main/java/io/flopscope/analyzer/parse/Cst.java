package io.flopscope.analyzer.parse;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.treesitter.TSLanguage;
import org.treesitter.TSNode;
import org.treesitter.TSSymbolType;
import org.treesitter.TSTree;
import org.treesitter.TSTreeCursor;

/**
 * A Java copy of tree-sitter's concrete syntax tree.
 *
 * <p>Each call through the Java bindings costs about a microsecond (they marshal the node object on every call), so
 * converting straight from {@code TSNode}s spent most of its time in JNI. The tree is copied once with a cursor using
 * as few calls per node as the bindings allow (node, symbol, and the end byte of leaves only; the start byte is read
 * from the node object), then the converter works on plain Java objects. The method names follow {@code TSNode}.
 */
final class Cst {
    private static final int SYM_ERROR = 65535;
    private static final Cst[] NONE = new Cst[0];
    private static final Field START_BYTE = startByteField();

    final String type;
    final boolean named;
    final boolean missing;
    final boolean error;
    boolean hasError;
    final int startByte;
    int endByte;
    /** The field this node fills in its parent, or null. */
    final String field;
    Cst[] children = NONE;

    private Cst(String type, boolean named, boolean missing, boolean error, int startByte, int endByte, String field) {
        this.type = type;
        this.named = named;
        this.missing = missing;
        this.error = error;
        this.hasError = missing || error;
        this.startByte = startByte;
        this.endByte = endByte;
        this.field = field;
    }

    private static Field startByteField() {
        try {
            Field f = TSNode.class.getDeclaredField("context0");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static int startByteOf(TSNode n) {
        if (START_BYTE != null) {
            try {
                return START_BYTE.getInt(n);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // fall through to the JNI call
            }
        }
        return n.getStartByte();
    }

    /** Per-language caches of symbol names and kinds, filled on first sight of a symbol. */
    static final class Symbols {
        private final TSLanguage language;
        private String[] names = new String[512];
        private byte[] namedness = new byte[512]; // 0 unknown, 1 named, 2 anonymous
        private final String[] fields;

        Symbols(TSLanguage language) {
            this.language = language;
            int fc = language.fieldCount();
            fields = new String[fc + 1];
            for (int i = 1; i <= fc; i++) fields[i] = language.fieldNameForId(i);
        }

        synchronized String name(int sym) {
            if (sym == SYM_ERROR) return "ERROR";
            ensure(sym);
            String s = names[sym];
            if (s == null) {
                s = language.symbolName(sym);
                names[sym] = s = s == null ? "?" + sym : s.intern();
            }
            return s;
        }

        synchronized boolean named(int sym) {
            if (sym == SYM_ERROR) return true;
            ensure(sym);
            if (namedness[sym] == 0) {
                TSSymbolType t = language.symbolType(sym);
                namedness[sym] = (byte) (t == TSSymbolType.TSSymbolTypeRegular ? 1 : 2);
            }
            return namedness[sym] == 1;
        }

        String field(int id) { return id > 0 && id < fields.length ? fields[id] : null; }

        private void ensure(int sym) {
            if (sym >= names.length) {
                int n = Math.max(sym + 1, names.length * 2);
                names = java.util.Arrays.copyOf(names, n);
                namedness = java.util.Arrays.copyOf(namedness, n);
            }
        }
    }

    /** Copies the whole tree without recursion. */
    static Cst copy(TSTree tree, Symbols symbols) {
        TSNode rootNode = tree.getRootNode();
        boolean treeHasError = rootNode.hasError();
        TSTreeCursor c = new TSTreeCursor(rootNode);
        List<List<Cst>> pending = new ArrayList<>();
        List<Cst> path = new ArrayList<>();
        Cst root = null;
        while (true) {
            TSNode n = c.currentNode();
            int sym = n.getSymbol();
            String field = symbols.field(c.currentFieldId());
            int start = startByteOf(n);
            boolean hasChild = c.gotoFirstChild();
            int end = hasChild ? start : n.getEndByte();
            boolean missing = !hasChild && treeHasError && end == start && n.isMissing();
            Cst node = new Cst(symbols.name(sym), symbols.named(sym), missing, sym == SYM_ERROR, start, end, field);
            if (path.isEmpty()) root = node;
            else pending.get(pending.size() - 1).add(node);
            if (hasChild) {
                path.add(node);
                pending.add(new ArrayList<>());
                continue;
            }
            // leaf: move to the next sibling, closing finished parents on the way up
            boolean done = false;
            while (!c.gotoNextSibling()) {
                if (path.isEmpty() || !c.gotoParent()) {
                    done = true;
                    break;
                }
                close(path.remove(path.size() - 1), pending.remove(pending.size() - 1));
            }
            if (done) break;
        }
        while (!path.isEmpty()) close(path.remove(path.size() - 1), pending.remove(pending.size() - 1));
        return root;
    }

    private static void close(Cst parent, List<Cst> kids) {
        parent.children = kids.toArray(NONE);
        if (kids.isEmpty()) return;
        parent.endByte = Math.max(parent.endByte, kids.get(kids.size() - 1).endByte);
        for (Cst k : kids) {
            if (k.hasError) {
                parent.hasError = true;
                break;
            }
        }
    }

    // ---------------------------------------------------------------- TSNode-like accessors

    String getType() { return type; }
    boolean isNamed() { return named; }
    boolean isMissing() { return missing; }
    boolean isError() { return error; }
    boolean hasError() { return hasError; }
    boolean isNull() { return false; }
    int getStartByte() { return startByte; }
    int getEndByte() { return endByte; }
    int getChildCount() { return children.length; }
    Cst getChild(int i) { return children[i]; }
    String getFieldNameForChild(int i) { return children[i].field; }

    Cst getChildByFieldName(String name) {
        for (Cst c : children) if (name.equals(c.field)) return c;
        return null;
    }

    @Override public String toString() { return type + "[" + startByte + "," + endByte + ")"; }
}

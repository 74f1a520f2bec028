package io.flopscope.analyzer.parse;

/** Decodes the backslash escapes of a (non-raw) Python string literal's content. Never throws. */
final class StringEscapes {
    private StringEscapes() {}

    static String decode(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder sb = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                sb.append(c);
                i++;
                continue;
            }
            char e = s.charAt(i + 1);
            i += 2;
            switch (e) {
                case '\n': break; // line continuation inside the literal
                case '\r':
                    if (i < s.length() && s.charAt(i) == '\n') i++;
                    break;
                case '\\': sb.append('\\'); break;
                case '\'': sb.append('\''); break;
                case '"': sb.append('"'); break;
                case 'a': sb.append('\u0007'); break;
                case 'b': sb.append('\b'); break;
                case 'f': sb.append('\f'); break;
                case 'n': sb.append('\n'); break;
                case 'r': sb.append('\r'); break;
                case 't': sb.append('\t'); break;
                case 'v': sb.append('\u000b'); break;
                case 'x': i = hex(s, i, 2, sb, "\\x"); break;
                case 'u': i = hex(s, i, 4, sb, "\\u"); break;
                case 'U': i = hex(s, i, 8, sb, "\\U"); break;
                default:
                    if (e >= '0' && e <= '7') {
                        int v = e - '0';
                        int k = 0;
                        while (k < 2 && i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '7') {
                            v = v * 8 + (s.charAt(i) - '0');
                            i++;
                            k++;
                        }
                        sb.append((char) v);
                    } else {
                        // unknown escapes (and \N{...}) are kept verbatim, as Python keeps unknown ones
                        sb.append('\\').append(e);
                    }
            }
        }
        return sb.toString();
    }

    private static int hex(String s, int i, int digits, StringBuilder sb, String verbatim) {
        if (i + digits > s.length()) {
            sb.append(verbatim);
            return i;
        }
        for (int k = i; k < i + digits; k++) {
            if (Character.digit(s.charAt(k), 16) < 0) {
                sb.append(verbatim);
                return i;
            }
        }
        try {
            int cp = Integer.parseInt(s.substring(i, i + digits), 16);
            if (cp < 0 || cp > Character.MAX_CODE_POINT) {
                sb.append(verbatim);
                return i;
            }
            sb.appendCodePoint(cp);
            return i + digits;
        } catch (NumberFormatException e) {
            sb.append(verbatim);
            return i;
        }
    }
}

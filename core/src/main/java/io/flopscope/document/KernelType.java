package io.flopscope.document;

/** basic: costs written out in the kernel; composite: costs delegated to other modules' analyses. */
public enum KernelType {
    BASIC, COMPOSITE;

    public String label() { return name().toLowerCase(java.util.Locale.ROOT); }
}

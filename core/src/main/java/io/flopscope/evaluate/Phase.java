package io.flopscope.evaluate;

/** prefill: seq_len new tokens on top of cache_len cached ones; decode: one new token. */
public enum Phase { PREFILL, DECODE }

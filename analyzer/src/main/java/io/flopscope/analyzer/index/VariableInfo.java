package io.flopscope.analyzer.index;

import io.flopscope.analyzer.ast.PyExpr;
import io.flopscope.analyzer.ast.PyStmt;

/**
 * A module-level variable (the last assignment to it at module level, outside functions and classes), such as a
 * dispatch table {@code GPT2_ATTENTION_CLASSES = {"eager": GPT2Attention, ...}}.
 *
 * @param value the assigned value; null for a bare annotation or a target inside a tuple/for/with
 * @param annotation null unless annotated
 */
public record VariableInfo(String qualifiedName, String module, String file, PyExpr value, PyExpr annotation, PyStmt stmt) {}

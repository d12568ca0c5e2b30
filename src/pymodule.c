/* pymodule.c: reads module definitions out of the AST for the rules that need them: which
 * variables are PyModuleDef_Slot arrays and PyModuleDef structures, the entries of a slot array
 * (slot number, value, the function a Py_mod_exec slot names, the Py_mod_gil value), and the
 * function or variable an initializer expression names. */
#include "ftlint.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* Strips parentheses, implicit conversions, casts and a leading '&' (the operand of a unary
 * operator is only taken when the operator is '&': a '*' or '!' would change the meaning). */
static CXCursor strip(CXCursor c)
{
    for (int guard = 0; guard < 32; guard++) {
        enum CXCursorKind k = clang_getCursorKind(c);
        ftl_kids ch;
        switch (k) {
        case CXCursor_UnexposedExpr:
        case CXCursor_ParenExpr:
        case CXCursor_CStyleCastExpr:
        case CXCursor_CXXStaticCastExpr:
        case CXCursor_CXXReinterpretCastExpr:
        case CXCursor_CXXConstCastExpr:
        case CXCursor_CXXFunctionalCastExpr:
            ch = ftl_children(c);
            if (ch.n == 0)
                return c;
            c = ch.v[ch.n - 1];
            if (clang_getCursorKind(c) == CXCursor_TypeRef)
                return clang_getNullCursor();
            continue;
        case CXCursor_UnaryOperator: {
#if CINDEX_VERSION_MINOR >= 64
            if (clang_getCursorUnaryOperatorKind(c) != CXUnaryOperator_AddrOf)
                return c;
#else
            /* No operator kind before libclang 17: the text at the operator's file location
             * says (an operator written as a macro argument is found where it was written;
             * one in a macro body leads to the macro's name: not '&', so not taken). */
            CXTranslationUnit tu = clang_Cursor_getTranslationUnit(c);
            CXFile f = NULL;
            unsigned off = 0;
            clang_getFileLocation(clang_getRangeStart(clang_getCursorExtent(c)), &f, NULL, NULL, &off);
            size_t len = 0;
            const char *text = f ? clang_getFileContents(tu, f, &len) : NULL;
            bool amp = text && off + 1 < len && text[off] == '&' && text[off + 1] != '&';
            if (!amp)
                return c;
#endif
            ch = ftl_children(c);
            if (ch.n != 1)
                return c;
            c = ch.v[0];
            continue;
        }
        default:
            return c;
        }
    }
    return c;
}

static bool type_names(CXType t, const char *name)
{
    char *sp = ftl_cxstr(clang_getTypeSpelling(clang_getCanonicalType(t)));
    const char *p = sp;
    if (strncmp(p, "const ", 6) == 0)
        p += 6;
    if (strncmp(p, "struct ", 7) == 0)
        p += 7;
    bool same = strcmp(p, name) == 0;
    free(sp);
    return same;
}

static bool is_var_definition(CXCursor var)
{
    return clang_getCursorKind(var) == CXCursor_VarDecl && clang_isCursorDefinition(var);
}

bool ftl_is_slot_array(CXCursor var)
{
    if (!is_var_definition(var))
        return false;
    CXType t = clang_getCanonicalType(clang_getCursorType(var));
    if (t.kind != CXType_ConstantArray && t.kind != CXType_IncompleteArray)
        return false;
    return type_names(clang_getArrayElementType(t), "PyModuleDef_Slot");
}

bool ftl_is_moduledef(CXCursor var)
{
    return is_var_definition(var) && type_names(clang_getCursorType(var), "PyModuleDef");
}

CXCursor ftl_expr_function(CXCursor expr)
{
    CXCursor c = strip(expr);
    if (clang_Cursor_isNull(c) || clang_getCursorKind(c) != CXCursor_DeclRefExpr)
        return clang_getNullCursor();
    CXCursor r = clang_getCursorReferenced(c);
    enum CXCursorKind k = clang_getCursorKind(r);
    if (k != CXCursor_FunctionDecl && k != CXCursor_CXXMethod)
        return clang_getNullCursor();
    return clang_getCanonicalCursor(r);
}

CXCursor ftl_expr_variable(CXCursor expr)
{
    CXCursor c = strip(expr);
    if (clang_Cursor_isNull(c) || clang_getCursorKind(c) != CXCursor_DeclRefExpr)
        return clang_getNullCursor();
    CXCursor r = clang_getCursorReferenced(c);
    if (clang_getCursorKind(r) != CXCursor_VarDecl)
        return clang_getNullCursor();
    return clang_getCanonicalCursor(r);
}

static bool eval_int(CXCursor c, long long *v)
{
    CXEvalResult ev = clang_Cursor_Evaluate(c);
    if (!ev)
        return false;
    bool ok = clang_EvalResult_getKind(ev) == CXEval_Int;
    if (ok)
        *v = clang_EvalResult_getAsLongLong(ev);
    clang_EvalResult_dispose(ev);
    return ok;
}

bool ftl_expr_is_null(CXCursor expr)
{
    CXCursor c = strip(expr);
    if (clang_Cursor_isNull(c))
        return false;
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_CXXNullPtrLiteralExpr || k == CXCursor_GNUNullExpr)
        return true;
    long long v;
    return k == CXCursor_IntegerLiteral && eval_int(c, &v) && v == 0;
}

/* The integer a value such as Py_MOD_GIL_USED ((void *)0) stands for, seen through its cast. */
static bool pointer_constant(CXCursor expr, long long *v)
{
    CXCursor c = strip(expr);
    return !clang_Cursor_isNull(c) && clang_getCursorKind(c) == CXCursor_IntegerLiteral &&
           eval_int(c, v);
}

typedef struct slot_list {
    ftl_slot *v;
    size_t n, cap;
} slot_list;

static enum CXChildVisitResult slot_visit(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    slot_list *sl = d;
    if (clang_getCursorKind(c) != CXCursor_InitListExpr)
        return CXChildVisit_Continue;
    ftl_kids ch = ftl_children(c);
    ftl_slot s = {.id = -1, .entry = c, .value = clang_getNullCursor(),
                  .function = clang_getNullCursor(), .gil = -1};
    long long id;
    if (ch.n >= 1 && eval_int(ch.v[0], &id))
        s.id = id;
    if (ch.n >= 2) {
        s.value = ch.v[1];
        s.function = ftl_expr_function(ch.v[1]);
        long long v;
        if (s.id == FTL_MOD_GIL && pointer_constant(ch.v[1], &v))
            s.gil = v == 0 ? 0 : v == 1 ? 1 : -1;
    }
    ftl_grow((void **)&sl->v, &sl->cap, sl->n + 1, sizeof *sl->v);
    sl->v[sl->n++] = s;
    return CXChildVisit_Continue;
}

static enum CXChildVisitResult find_init(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    if (clang_getCursorKind(c) == CXCursor_InitListExpr) {
        *(CXCursor *)d = c;
        return CXChildVisit_Break;
    }
    return CXChildVisit_Continue;
}

size_t ftl_slot_entries(CXCursor var, ftl_slot **out)
{
    *out = NULL;
    CXCursor init = clang_getNullCursor();
    clang_visitChildren(var, find_init, &init);
    if (clang_Cursor_isNull(init))
        return 0;
    slot_list sl = {0};
    clang_visitChildren(init, slot_visit, &sl);
    *out = sl.v;
    return sl.n;
}

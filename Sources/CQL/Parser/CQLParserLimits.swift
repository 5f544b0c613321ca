/// Bounds the parser enforces so that no input can exhaust the stack or memory.
public enum CQLParserLimits {
    /// Deepest nesting of terms, types, selectors and WHERE sub-expressions.
    public static let nestingDepthMax = 64
    /// Most statements accepted by one `parseScript` call or one batch.
    public static let statementCountMax = 65_535
}

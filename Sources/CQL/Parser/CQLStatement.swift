/// One parsed CQL statement.
public enum CQLStatement: Sendable, Equatable {
    /// `USE ks`.
    case use(keyspace: String)
    /// `CREATE KEYSPACE`.
    case createKeyspace(CQLCreateKeyspace)
    /// `ALTER KEYSPACE ks WITH ...`.
    case alterKeyspace(name: String, options: CQLKeyspaceOptions)
    /// `DROP KEYSPACE [IF EXISTS] ks`.
    case dropKeyspace(name: String, ifExists: Bool)
    /// `CREATE TABLE`.
    case createTable(CQLCreateTable)
    /// `ALTER TABLE`.
    case alterTable(name: CQLQualifiedName, change: CQLTableChange)
    /// `DROP TABLE [IF EXISTS] t`.
    case dropTable(name: CQLQualifiedName, ifExists: Bool)
    /// `TRUNCATE [TABLE] t`.
    case truncate(CQLQualifiedName)
    /// `CREATE TYPE`.
    case createType(CQLCreateType)
    /// `ALTER TYPE [IF EXISTS] t ADD ...` or `ALTER TYPE [IF EXISTS] t RENAME ...`.
    case alterType(name: CQLQualifiedName, ifExists: Bool, change: CQLTypeChange)
    /// `DROP TYPE [IF EXISTS] t`.
    case dropType(name: CQLQualifiedName, ifExists: Bool)
    /// `INSERT`.
    case insert(CQLInsert)
    /// `UPDATE`.
    case update(CQLUpdate)
    /// `DELETE`.
    case delete(CQLDelete)
    /// `SELECT`.
    case select(CQLSelect)
    /// `BEGIN ... BATCH ... APPLY BATCH`.
    case batch(CQLBatch)
    /// `DESCRIBE` / `DESC`.
    case describe(CQLDescribe)
    /// Valid CQL for a feature this server does not have, with the error that names it.
    case unsupported(message: String)
}

package dev.vigil.sampleapp;

import java.sql.SQLException;

/** A JDBC statement whose {@code getConnection()} throws, to fault the agent's advice. */
final class FaultyStatement implements java.sql.Statement {
  @Override
  public java.sql.ResultSet executeQuery(java.lang.String a0) throws SQLException {
    return null;
  }

  @Override
  public int executeUpdate(java.lang.String a0) throws SQLException {
    return 0;
  }

  @Override
  public void close() throws SQLException {}

  @Override
  public int getMaxFieldSize() throws SQLException {
    return 0;
  }

  @Override
  public void setMaxFieldSize(int a0) throws SQLException {}

  @Override
  public int getMaxRows() throws SQLException {
    return 0;
  }

  @Override
  public void setMaxRows(int a0) throws SQLException {}

  @Override
  public void setEscapeProcessing(boolean a0) throws SQLException {}

  @Override
  public int getQueryTimeout() throws SQLException {
    return 0;
  }

  @Override
  public void setQueryTimeout(int a0) throws SQLException {}

  @Override
  public void cancel() throws SQLException {}

  @Override
  public java.sql.SQLWarning getWarnings() throws SQLException {
    return null;
  }

  @Override
  public void clearWarnings() throws SQLException {}

  @Override
  public void setCursorName(java.lang.String a0) throws SQLException {}

  @Override
  public boolean execute(java.lang.String a0) throws SQLException {
    return true;
  }

  @Override
  public java.sql.ResultSet getResultSet() throws SQLException {
    return null;
  }

  @Override
  public int getUpdateCount() throws SQLException {
    return 0;
  }

  @Override
  public boolean getMoreResults() throws SQLException {
    return false;
  }

  @Override
  public void setFetchDirection(int a0) throws SQLException {}

  @Override
  public int getFetchDirection() throws SQLException {
    return 0;
  }

  @Override
  public void setFetchSize(int a0) throws SQLException {}

  @Override
  public int getFetchSize() throws SQLException {
    return 0;
  }

  @Override
  public int getResultSetConcurrency() throws SQLException {
    return 0;
  }

  @Override
  public int getResultSetType() throws SQLException {
    return 0;
  }

  @Override
  public void addBatch(java.lang.String a0) throws SQLException {}

  @Override
  public void clearBatch() throws SQLException {}

  @Override
  public int[] executeBatch() throws SQLException {
    return new int[0];
  }

  @Override
  public java.sql.Connection getConnection() throws SQLException {
    throw new IllegalStateException("driver bug inside getConnection");
  }

  @Override
  public boolean getMoreResults(int a0) throws SQLException {
    return false;
  }

  @Override
  public java.sql.ResultSet getGeneratedKeys() throws SQLException {
    return null;
  }

  @Override
  public int executeUpdate(java.lang.String a0, int a1) throws SQLException {
    return 0;
  }

  @Override
  public int executeUpdate(java.lang.String a0, int[] a1) throws SQLException {
    return 0;
  }

  @Override
  public int executeUpdate(java.lang.String a0, java.lang.String[] a1) throws SQLException {
    return 0;
  }

  @Override
  public boolean execute(java.lang.String a0, int a1) throws SQLException {
    return true;
  }

  @Override
  public boolean execute(java.lang.String a0, int[] a1) throws SQLException {
    return true;
  }

  @Override
  public boolean execute(java.lang.String a0, java.lang.String[] a1) throws SQLException {
    return true;
  }

  @Override
  public int getResultSetHoldability() throws SQLException {
    return 0;
  }

  @Override
  public boolean isClosed() throws SQLException {
    return false;
  }

  @Override
  public void setPoolable(boolean a0) throws SQLException {}

  @Override
  public boolean isPoolable() throws SQLException {
    return false;
  }

  @Override
  public void closeOnCompletion() throws SQLException {}

  @Override
  public boolean isCloseOnCompletion() throws SQLException {
    return false;
  }

  @Override
  public <T> T unwrap(Class<T> iface) {
    return null;
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return false;
  }
}

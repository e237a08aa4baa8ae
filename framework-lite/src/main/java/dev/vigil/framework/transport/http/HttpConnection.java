package dev.vigil.framework.transport.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One HTTP/1.1 client connection with its own read and write buffers, so a request is written with
 * one system call and a small response is read with one. Reads are bounded by a deadline: every
 * blocking read sets {@code SO_TIMEOUT} to the time left.
 *
 * <p>Not thread-safe: a connection is used by one call at a time, handed over through the pool.
 */
final class HttpConnection {
  private static final int BUFFER_SIZE = 8192;
  private static final int MAX_LINE = 64 * 1024;

  final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final byte[] readBuffer = new byte[BUFFER_SIZE];
  private int readPos;
  private int readLimit;
  private final byte[] writeBuffer = new byte[BUFFER_SIZE];
  private int writePos;
  private byte[] line = new byte[256];
  private int lineLength;
  private long deadlineNanos;
  private int soTimeoutMillis = -1;

  /** Bytes of the current response received so far (0 means a stale connection may be retried). */
  long responseBytes;

  /** Number of requests sent on this connection before the current one. */
  int uses;

  long idleSinceNanos;

  HttpConnection(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  void startExchange(long deadlineNanos) {
    this.deadlineNanos = deadlineNanos;
    this.responseBytes = 0;
  }

  // ---- writing

  void writeAscii(String s) throws IOException {
    int length = s.length();
    for (int i = 0; i < length; i++) {
      if (writePos == writeBuffer.length) {
        flushBuffer();
      }
      writeBuffer[writePos++] = (byte) s.charAt(i);
    }
  }

  void writeCrlf() throws IOException {
    if (writeBuffer.length - writePos < 2) {
      flushBuffer();
    }
    writeBuffer[writePos++] = '\r';
    writeBuffer[writePos++] = '\n';
  }

  void writeHeader(String name, String value) throws IOException {
    writeAscii(name);
    writeAscii(": ");
    writeAscii(value);
    writeCrlf();
  }

  void writeDecimal(long value) throws IOException {
    if (writeBuffer.length - writePos < 20) {
      flushBuffer();
    }
    if (value == 0) {
      writeBuffer[writePos++] = '0';
      return;
    }
    int start = writePos;
    while (value > 0) {
      writeBuffer[writePos++] = (byte) ('0' + (value % 10));
      value /= 10;
    }
    for (int i = start, j = writePos - 1; i < j; i++, j--) {
      byte t = writeBuffer[i];
      writeBuffer[i] = writeBuffer[j];
      writeBuffer[j] = t;
    }
  }

  void writeBody(byte[] body) throws IOException {
    if (body.length <= writeBuffer.length - writePos) {
      System.arraycopy(body, 0, writeBuffer, writePos, body.length);
      writePos += body.length;
      return;
    }
    flushBuffer();
    out.write(body);
  }

  void flush() throws IOException {
    flushBuffer();
    out.flush();
  }

  private void flushBuffer() throws IOException {
    if (writePos > 0) {
      int n = writePos;
      writePos = 0;
      out.write(writeBuffer, 0, n);
    }
  }

  // ---- reading

  /** Reads one line without its CR LF into {@link #line()}; returns its length. */
  int readLine() throws IOException {
    lineLength = 0;
    while (true) {
      if (readPos == readLimit) {
        fill();
      }
      byte b = readBuffer[readPos++];
      if (b == '\n') {
        if (lineLength > 0 && line[lineLength - 1] == '\r') {
          lineLength--;
        }
        return lineLength;
      }
      if (lineLength == line.length) {
        if (line.length >= MAX_LINE) {
          throw new ProtocolException("response line longer than " + MAX_LINE + " bytes");
        }
        line = Arrays.copyOf(line, line.length * 2);
      }
      line[lineLength++] = b;
    }
  }

  byte[] line() {
    return line;
  }

  String lineString(int from, int to) {
    return new String(line, from, to - from, StandardCharsets.ISO_8859_1);
  }

  void readFully(byte[] target, int offset, int length) throws IOException {
    int buffered = Math.min(length, readLimit - readPos);
    System.arraycopy(readBuffer, readPos, target, offset, buffered);
    readPos += buffered;
    offset += buffered;
    length -= buffered;
    while (length > 0) {
      setTimeoutForNextRead();
      int n = in.read(target, offset, length);
      if (n < 0) {
        throw new EOFException("connection closed with " + length + " body bytes missing");
      }
      responseBytes += n;
      offset += n;
      length -= n;
    }
  }

  /** Reads what is left until the peer closes; for responses delimited by connection close. */
  int readToEnd(byte[] target, int offset) throws IOException {
    if (readPos < readLimit) {
      int n = Math.min(target.length - offset, readLimit - readPos);
      System.arraycopy(readBuffer, readPos, target, offset, n);
      readPos += n;
      return n;
    }
    setTimeoutForNextRead();
    int n = in.read(target, offset, target.length - offset);
    if (n > 0) {
      responseBytes += n;
    }
    return n;
  }

  private void fill() throws IOException {
    setTimeoutForNextRead();
    int n = in.read(readBuffer, 0, readBuffer.length);
    if (n < 0) {
      throw new EOFException(
          responseBytes == 0
              ? "connection closed before the response"
              : "connection closed in the middle of the response");
    }
    responseBytes += n;
    readPos = 0;
    readLimit = n;
  }

  private void setTimeoutForNextRead() throws IOException {
    long remainingNanos = deadlineNanos - System.nanoTime();
    if (remainingNanos <= 0) {
      throw new SocketTimeoutException("deadline passed");
    }
    int millis =
        (int) Math.min(Integer.MAX_VALUE, Math.max(1, (remainingNanos + 999_999) / 1_000_000));
    if (millis != soTimeoutMillis) {
      socket.setSoTimeout(millis);
      soTimeoutMillis = millis;
    }
  }

  /** True when no byte of a previous response is left unread (a clean keep-alive state). */
  boolean isClean() {
    return readPos == readLimit && !socket.isClosed();
  }

  void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing a broken connection: nothing left to do
    }
  }

  /** The peer spoke something that is not HTTP/1.1. */
  static final class ProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    ProtocolException(String message) {
      super(message);
    }
  }
}

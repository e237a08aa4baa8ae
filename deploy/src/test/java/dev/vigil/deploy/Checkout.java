package dev.vigil.deploy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the checkout is, seen from this module's tests, and what runs on this machine. */
final class Checkout {
  private Checkout() {}

  /** The checkout's root: the parent of this module's directory. */
  static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    if (Files.exists(dir.resolve("deploy/pom.xml"))) {
      return dir;
    }
    return dir.getParent();
  }

  static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}

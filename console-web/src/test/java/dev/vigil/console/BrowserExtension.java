package dev.vigil.console;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Gives a test class one headless Chromium (Debian's {@code /usr/bin/chromium} driven through
 * {@code /usr/bin/chromedriver}, both installed by {@code bin/ensure-services}) with a fresh
 * profile, and saves screenshots under {@code target/screenshots/<test class>/}. Selenium Manager
 * is never consulted: the driver and browser paths are explicit and Selenium is told to stay
 * offline, so nothing is downloaded.
 *
 * <pre>{@code
 * @RegisterExtension static final BrowserExtension browser = new BrowserExtension();
 * }</pre>
 *
 * <p>Not thread-safe: one test at a time drives the browser.
 */
public final class BrowserExtension implements BeforeAllCallback, AfterAllCallback {
  public static final String CHROMIUM = "/usr/bin/chromium";
  public static final String CHROMEDRIVER = "/usr/bin/chromedriver";

  private WebDriver driver;
  private Path profile;
  private Path screenshots;

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    System.setProperty("SE_OFFLINE", "true");
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
    profile = Files.createTempDirectory("vigil-chromium-");
    screenshots = Path.of("target", "screenshots", context.getRequiredTestClass().getSimpleName());
    Files.createDirectories(screenshots);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER))
            .usingAnyFreePort()
            .build();
    driver = new ChromeDriver(service, options);
    driver.manage().window().setSize(new Dimension(1400, 1000));
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    if (driver != null) {
      driver.quit();
    }
    if (profile != null) {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
  }

  /**
   * A wait that retries while the page re-renders under it: pages rebuild their DOM on every
   * refresh, so an element found a moment ago can be stale by the time it is read.
   */
  public static org.openqa.selenium.support.ui.WebDriverWait waiting(
      WebDriver driver, java.time.Duration timeout) {
    org.openqa.selenium.support.ui.WebDriverWait wait =
        new org.openqa.selenium.support.ui.WebDriverWait(driver, timeout);
    wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    return wait;
  }

  public WebDriver driver() {
    return driver;
  }

  /** Saves what the browser shows now as {@code <name>.png}. */
  public Path screenshot(String name) {
    try {
      File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
      Path target = screenshots.resolve(name + ".png");
      Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

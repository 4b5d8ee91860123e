package io.threatline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The operator console in a real browser (Debian's Chromium, headless, through Selenium WebDriver and
 * Debian's chromedriver) against `threatline run`: the overview updates while the simulation runs, a
 * partner's page shows its agreement and its receipt chain, a lookup of a defanged value finds the
 * indicator and shows a partner that received it (with its receipts) and one that did not (with the
 * rule), a value that is markup stays text, and the dead letters list the rejected events. Each page's
 * screenshot is kept in {@code app/target/console-screenshots/}. Skipped with its reason where Chromium
 * or chromedriver is missing; with {@code THREATLINE_REQUIRE_CHROMIUM=1} (CI) it fails instead.
 */
class ConsoleBrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String missing;

    @TempDir
    Path dataDir;

    private WebDriver browser;
    private RunInProcess run;

    @BeforeAll
    static void requireChromium() {
        missing = !Files.isExecutable(CHROMIUM)
                ? CHROMIUM + " is missing"
                : !Files.isExecutable(CHROMEDRIVER) ? CHROMEDRIVER + " is missing" : null;
        if (missing != null && "1".equals(System.getenv("THREATLINE_REQUIRE_CHROMIUM"))) {
            throw new AssertionError("Chromium is required here (THREATLINE_REQUIRE_CHROMIUM=1) but " + missing);
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (run != null) {
            assertThat(run.stop()).isZero();
        }
    }

    @Test
    void shouldShowTheSharingAPartnersAgreementAndWhyAnIndicatorWentOrNotInABrowser() throws Exception {
        Assumptions.assumeTrue(
                missing == null,
                () -> "Skipped: " + missing + " (install Debian's chromium chromium-driver; .ci/run does)");
        // Given the pipeline running the scenario, its console on a free port
        run = RunInProcess.start(dataDir, 500);
        Path interpolOutbox = dataDir.resolve("outbox").resolve("interpol");
        await().atMost(Duration.ofSeconds(150))
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> !run.ended() && records(interpolOutbox).size() > 20);
        Matcher console = Pattern.compile("Console: (http://localhost:\\d+/) \\(this machine only\\)")
                .matcher(run.output());
        assertThat(console.find()).as(run.output()).isTrue();
        String base = console.group(1);
        Files.createDirectories(SCREENSHOTS);
        browser = chromium();

        // When the operator opens the overview, it counts the events and goes on counting
        browser.get(base + "#overview");
        long first = await().atMost(Duration.ofSeconds(30)).until(() -> total("eventsIn"), n -> n > 0);
        long later = await().atMost(Duration.ofSeconds(30)).until(() -> total("eventsIn"), n -> n > first);
        assertThat(later).isGreaterThan(first);
        assertThat(total("hubLag")).as("events waiting for the hub").isGreaterThanOrEqualTo(0);
        assertThat(browser.findElement(By.id("per-partner")).getText())
                .contains("interpol", "europol-ec3 0 KIND_NOT_GRANTED");
        assertThat(browser.findElement(By.id("channels")).getText()).contains("interpol files");
        screenshot("overview");

        // and a partner's page shows its agreement and that its receipt chain verifies
        browser.get(base + "#partners");
        WebElement interpol = await().atMost(Duration.ofSeconds(30))
                .until(() -> browser.findElements(By.cssSelector("[data-partner=interpol]")), l -> !l.isEmpty())
                .get(0);
        assertThat(interpol.findElement(By.cssSelector("[data-term=tlpCeiling]"))
                        .getText())
                .isEqualTo("TLP:GREEN");
        assertThat(interpol.getText()).contains("IGCI-THREATLINE-MOU-2026-01 v1", "APPLIED", "threatline run");
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            browser.navigate().refresh();
            List<WebElement> chain = browser.findElements(By.cssSelector("[data-partner=interpol] [data-chain]"));
            return !chain.isEmpty()
                    && chain.get(0).getAttribute("data-chain").equals("intact")
                    && chain.get(0).getText().contains("last: #");
        });
        screenshot("partners");

        // and a lookup of a value as an analyst pastes it (defanged) finds the indicator
        JsonNode delivered = records(interpolOutbox).get(0);
        String id = delivered.get("indicator_id").asText();
        String defanged = defang(delivered.get("value").asText());
        browser.get(base + "#lookup");
        WebElement input = browser.findElement(By.id("lookup-value"));
        input.clear();
        input.sendKeys(defanged);
        browser.findElement(By.id("lookup-go")).click();
        WebElement found = await().atMost(Duration.ofSeconds(30))
                .until(() -> browser.findElements(By.id("lookup-id")), l -> !l.isEmpty())
                .get(0);
        assertThat(found.getText()).isEqualTo(id);
        // with the hub's own record of it, read from the hub's state (interactive queries)
        assertThat(browser.findElement(By.cssSelector("[data-field=answeredBy]"))
                        .getText())
                .isEqualTo("this instance");
        assertThat(browser.findElement(By.cssSelector("[data-field=hubSightings]"))
                        .getText())
                .containsPattern("^[1-9][0-9,]*, last 20");
        // INTERPOL received it, receipt by receipt; Europol EC3 did not, and the rule says why
        WebElement partners = browser.findElement(By.id("lookup-partners"));
        String interpolRow = row(partners, "interpol");
        assertThat(interpolRow)
                .contains("via files", "under IGCI-THREATLINE-MOU-2026-01 v1, receipt #")
                // version by version, from its records on INTERPOL's topic that the receipts cover
                .containsPattern("NEW TLP:(CLEAR|GREEN) at 20\\S+ \\(agreement v1\\)");
        String ec3Row = row(partners, "europol-ec3");
        assertThat(ec3Row)
                .contains("withheld", "KIND_NOT_GRANTED", "agreement grants [STATISTICS, TRENDS], not INDICATORS")
                .contains("nothing receipted");
        screenshot("lookup");

        // and a value that is markup is refused as text: nothing of it runs or renders
        String title = browser.getTitle();
        input = browser.findElement(By.id("lookup-value"));
        input.clear();
        input.sendKeys("<img src=x onerror=\"document.title='pwned'\">");
        browser.findElement(By.id("lookup-go")).click();
        WebElement error = await().atMost(Duration.ofSeconds(30))
                .until(() -> browser.findElements(By.id("lookup-error")), l -> !l.isEmpty())
                .get(0);
        assertThat(error.getText()).startsWith("cannot tell what kind of indicator '<img src=x");
        assertThat(browser.findElements(By.cssSelector("#lookup-result img"))).isEmpty();
        assertThat(browser.getTitle()).isEqualTo(title);

        // and the dead letters show the rejected events with their reason and source
        browser.get(base + "#dead-letters");
        WebElement letters = await().atMost(Duration.ofSeconds(30))
                .until(() -> browser.findElements(By.cssSelector("#dead-letter-table tr")), rows -> rows.size() > 1)
                .get(1);
        assertThat(letters.getText()).containsPattern("ti\\.vendor\\.[a-z-]+\\.events\\.v1-\\d+@\\d+");
        screenshot("dead-letters");

        // and the partners' reports page shows its tables and the decision form (SharingBackIT decides through it)
        browser.get(base + "#reports");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> browser.findElements(By.cssSelector("#false-positive-table th")), h -> !h.isEmpty());
        assertThat(browser.findElement(By.id("false-positive-table")).getText()).contains("Reported by", "Decision");
        assertThat(browser.findElements(By.id("decision-password"))).hasSize(1);
        screenshot("reports");
    }

    private WebDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    /** A total of the overview as the page shows it now; -1 while the page is (re)drawing it. */
    private long total(String name) {
        try {
            List<WebElement> cards = browser.findElements(By.cssSelector("[data-total=" + name + "]"));
            return cards.isEmpty() ? -1 : Long.parseLong(cards.get(0).getText().replace(",", ""));
        } catch (org.openqa.selenium.StaleElementReferenceException e) {
            return -1; // the page redrew the card between finding and reading it
        }
    }

    private static String row(WebElement table, String partner) {
        return table.findElements(By.tagName("tr")).stream()
                .filter(r -> !r.findElements(By.cssSelector("[data-partner='" + partner + "']"))
                        .isEmpty())
                .findFirst()
                .orElseThrow(() -> new AssertionError(partner + " is not in " + table.getText()))
                .getText();
    }

    private void screenshot(String page) throws Exception {
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(SCREENSHOTS.resolve(page + ".png"), png);
    }

    /** The value as analysts write it in reports: dots in brackets, http as hxxp. */
    static String defang(String value) {
        return value.replace("http", "hxxp").replace(".", "[.]");
    }

    /** The NEW records of IP addresses, domains and URLs in a partner's outbox, file by file. */
    private static List<JsonNode> records(Path outbox) throws Exception {
        List<JsonNode> records = new java.util.ArrayList<>();
        if (!Files.isDirectory(outbox)) {
            return records;
        }
        try (Stream<Path> files = Files.list(outbox)) {
            for (Path file : files.filter(f -> f.getFileName().toString().contains(".jsonl"))
                    .sorted()
                    .toList()) {
                for (String line : Files.readAllLines(file)) {
                    if (line.endsWith("}")) {
                        JsonNode r = JSON.readTree(line);
                        if (r.get("action").asText().equals("NEW")
                                && List.of("IPV4", "DOMAIN", "URL")
                                        .contains(r.get("type").asText())) {
                            records.add(r);
                        }
                    }
                }
            }
        }
        return records;
    }
}

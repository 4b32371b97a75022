package io.sluice.tests.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.sluice.client.cli.SluiceCli;
import io.sluice.infra.LocalStack;
import io.sluice.infra.auth.AuthConfig;
import io.sluice.tests.support.EmbeddedBackends;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import io.sluice.tests.support.HttpApiClient;
import io.sluice.tests.support.LocalStackExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20: the web console, driven in Debian's headless Chromium against the local stack of this JVM,
 * with data put there by the {@code sluice} CLI. Each test goes through the console as a user would
 * (keyboard where it matters) and checks what the page shows against what the API says.
 *
 * <p>Screenshots of each page go to {@code tests/target/console-screenshots/}, or to the directory
 * {@code -Dsluice.console.screenshots=DIR} names (the README's come from {@code docs/console}). Without a
 * Chromium on the PATH the class is skipped and says why.
 */
@ExtendWith(LocalStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserTest {

    private final HttpApiClient api;
    private Chromium browser;
    private Path screenshots;

    ConsoleBrowserTest(HttpApiClient api) {
        this.api = api;
    }

    @BeforeAll
    void startBrowser() throws Exception {
        Optional<Path> binary = Chromium.find();
        Assumptions.assumeTrue(binary.isPresent(), "no Chromium: none on the PATH, or -Dsluice.chromium names "
                + "no executable (apt-get install chromium, as .ci/run does): the console's browser tests cannot run");
        browser = Chromium.launch(binary.get(), 1200, 900);
        String dir = System.getProperty("sluice.console.screenshots");
        screenshots = dir == null || dir.isBlank() ? Path.of("target", "console-screenshots") : Path.of(dir);
    }

    @AfterAll
    void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void cleanSlate() {
        browser.pageErrors.clear();
        browser.dialogs.clear();
    }

    @AfterEach
    void thePageNeverFailedNorOpenedADialog() {
        assertThat(browser.dialogs).as("JavaScript dialogs the page opened").isEmpty();
        assertThat(browser.pageErrors).as("errors the page threw or logged").isEmpty();
    }

    private String console() {
        return api.endpoint() + "/console/";
    }

    /** Loads the console afresh at {@code hash} and waits for its page to be rendered. */
    private void open(String hash) {
        browser.navigate("about:blank");
        browser.waitFor("a blank page", "location.href === 'about:blank'");
        browser.navigate(console() + hash);
        browser.waitFor("the page " + hash + " to load", "location.href.startsWith(" + Chromium.quote(console())
                + ") && document.querySelector('main') && !document.querySelector('main')"
                + ".hasAttribute('aria-busy') && document.querySelector('main').innerText !== 'Loading…'");
    }

    private void shot(String name) throws Exception {
        browser.screenshot(screenshots.resolve(name + ".png"));
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private int cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--endpoint");
        all.add(api.endpoint().toString());
        return SluiceCli.run(all.toArray(String[]::new));
    }

    private void tab() {
        browser.press("Tab", 9);
    }

    private String focused() {
        return browser.eval("document.activeElement ? (document.activeElement.id || document.activeElement.textContent) : ''").asText();
    }

    /** Presses Tab until the element with this id has the focus; fails after 40 presses. */
    private void tabTo(String id) {
        for (int i = 0; i < 40; i++) {
            if (id.equals(browser.eval("document.activeElement && document.activeElement.id").asText())) {
                return;
            }
            tab();
        }
        throw new AssertionError("Tab never reached #" + id + "; focus is on " + focused());
    }

    private void typeText(String text) {
        browser.call("Input.insertText", Map.of("text", text));
    }

    /** Every form control on the page has an accessible label. */
    private void everyControlIsLabelled() {
        JsonNode unlabelled = browser.eval("[...document.querySelectorAll('input, select, textarea')]"
                + ".filter(e => e.labels.length === 0 && !e.getAttribute('aria-label')).map(e => e.id || e.outerHTML)");
        assertThat(unlabelled).as("controls without a label").isEmpty();
    }

    private long rowsOf(String tableId) {
        return browser.eval("document.querySelectorAll('#" + tableId + " tbody tr').length").asLong();
    }

    private List<String> cells(String tableId, int row) {
        JsonNode cells = browser.eval("[...document.querySelectorAll('#" + tableId + " tbody tr')[" + row
                + "].querySelectorAll('td')].map(td => td.innerText.trim())");
        List<String> out = new ArrayList<>();
        cells.forEach(c -> out.add(c.asText()));
        return out;
    }

    @Test
    void aTopicFromCreationThroughRecordsAndALaggingGroupToDeletion(@TempDir Path dir) throws Exception {
        String topic = unique("console");

        // Create the topic with the keyboard alone: Tab to the form, type, Enter, confirm in the dialog.
        open("#/topics");
        everyControlIsLabelled();
        browser.eval("document.activeElement.blur()");
        tab();
        assertThat(focused()).as("the first Tab reaches the skip link").isEqualTo("Skip to content");
        tabTo("new-topic-name");
        typeText(topic);
        tab();
        assertThat(focused()).isEqualTo("new-topic-partitions");
        browser.eval("document.activeElement.select()");
        typeText("2");
        tab();
        browser.press("Enter", 13);
        browser.waitFor("the confirmation dialog", "document.getElementById('confirm').open");
        assertThat(browser.text("#confirm-text")).contains(topic).contains("2 partition");
        assertThat(focused()).as("the dialog opens on Cancel, the safe choice").isEqualTo("confirm-cancel");
        shot("confirm-create-topic");
        tab();
        assertThat(focused()).isEqualTo("confirm-ok");
        browser.press("Enter", 13);
        browser.waitFor("the new topic's page", "location.hash === '#/topics/" + topic + "' && document.getElementById('partitions-table')");
        assertThat(api.get("/topics/" + topic).json().path("partitions").asInt()).as("created through the console").isEqualTo(2);

        // Produce with the CLI: one record per file, so binary, UTF-8 and JSON values each stay whole.
        Path binary = Files.write(dir.resolve("binary.bin"), new byte[] {0x00, 0x01, (byte) 0xff, (byte) 0xfe, (byte) 0x80});
        Path text = Files.writeString(dir.resolve("text.txt"), "grüße, 世界");
        Path json = Files.writeString(dir.resolve("order.json"), "{\"id\":7,\"items\":[\"tea\",\"cake\"],\"paid\":true}");
        assertThat(cli("produce", topic, "--partition", "0", binary.toString(), text.toString(), json.toString())).isZero();
        assertThat(cli("produce", topic, "--partition", "1", text.toString(), text.toString())).isZero();

        // The counts, on the topic page (it polls) and in the list.
        browser.waitFor("3 and 2 records per partition", () -> rowsOf("partitions-table") == 2
                && cells("partitions-table", 0).equals(List.of("0", "0", "3", "3"))
                && cells("partitions-table", 1).equals(List.of("1", "0", "2", "2")));
        browser.waitFor("the produce-rate chart", "document.querySelector('#rate-chart svg polyline')");
        assertThat(browser.eval("document.querySelector('#rate-chart svg').getAttribute('aria-label')").asText())
                .startsWith("Produce rate: latest");
        shot("topic");
        open("#/topics");
        int row = browser.eval("[...document.querySelectorAll('#topics-table tbody tr')].findIndex(r => r.cells[0].innerText === '"
                + topic + "')").asInt();
        assertThat(row).as("the topic is listed").isGreaterThanOrEqualTo(0);
        JsonNode config = api.get("/topics/" + topic).json();
        assertThat(config.path("retentionMs").asLong()).isEqualTo(-1);
        assertThat(config.path("retentionBytes").asLong()).isEqualTo(-1);
        assertThat(cells("topics-table", row)).containsExactly(topic, "2", "5", "not reported", "forever", "unlimited", "none");
        shot("topics");
        // A topic's codec, as the API reports it: created with the CLI's --compression.
        String compressed = topic + "-zstd";
        assertThat(cli("topics", "create", compressed, "--partitions", "1", "--compression", "zstd")).isZero();
        open("#/topics");
        browser.waitFor("the zstd topic listed", () -> browser.eval("[...document.querySelectorAll('#topics-table tbody tr')]"
                + ".some(r => r.cells[0].innerText === '" + compressed + "')").asBoolean());
        int zstdRow = browser.eval("[...document.querySelectorAll('#topics-table tbody tr')].findIndex(r => r.cells[0].innerText === '"
                + compressed + "')").asInt();
        assertThat(cells("topics-table", zstdRow)).containsExactly(compressed, "1", "0", "not reported", "forever",
                "unlimited", "zstd");

        // Browse partition 0: binary as hex, UTF-8 as text, JSON pretty-printed.
        open("#/browse/" + topic);
        everyControlIsLabelled();
        browser.fill("#browse-partition", "0");
        browser.fill("#browse-offset", "0");
        browser.click("#browse-form button[type=submit]");
        browser.waitFor("three records", () -> rowsOf("records-table") == 3);
        assertThat(browser.eval("[...document.querySelectorAll('#records-table tbody tr td:nth-child(4) [data-kind]')]"
                + ".map(d => d.dataset.kind)").toString()).isEqualTo("[\"hex\",\"utf-8\",\"json\"]");
        assertThat(cells("records-table", 0).get(3)).isEqualTo("hex\n00 01 ff fe 80");
        assertThat(cells("records-table", 1).get(3)).isEqualTo("utf-8\ngrüße, 世界");
        assertThat(browser.eval("document.querySelectorAll('#records-table tbody tr')[2].querySelector('td:nth-child(4) pre').textContent").asText())
                .isEqualTo("{\n  \"id\": 7,\n  \"items\": [\n    \"tea\",\n    \"cake\"\n  ],\n  \"paid\": true\n}");
        assertThat(browser.text("#records-summary")).isEqualTo("Partition 0: offsets 0 to 2 of [0, 3).");
        shot("records");

        // A record copied as JSON is the record as the API gave it, with its topic and partition.
        browser.call("Browser.grantPermissions", Map.of("origin", api.endpoint().toString(),
                "permissions", List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
        browser.eval("document.querySelectorAll('#records-table button.copy')[0].focus()");
        browser.press("Enter", 13);
        browser.waitFor("the copy to finish", "document.getElementById('status').innerText.startsWith('Cop')");
        String copied = browser.eval("document.getElementById('copied-json') ? document.getElementById('copied-json').value"
                + " : navigator.clipboard.readText()").asText();
        JsonNode record = new com.fasterxml.jackson.databind.ObjectMapper().readTree(copied);
        assertThat(record.path("topic").asText()).isEqualTo(topic);
        assertThat(record.path("partition").asInt()).isZero();
        assertThat(record.path("offset").asLong()).isZero();
        assertThat(Base64.getDecoder().decode(record.path("value").asText()))
                .isEqualTo(new byte[] {0x00, 0x01, (byte) 0xff, (byte) 0xfe, (byte) 0x80});

        // A consumer group that lags, then catches up while its page is open.
        String group = unique("console-group");
        assertThat(cli("groups", "reset", group, "--topic", topic, "--to-earliest")).isZero();
        assertThat(cli("consume", topic, "--group", group, "--count", "2", "--idle-timeout-ms", "2000")).isZero();
        JsonNode described = api.get("/groups/" + group).json();
        long lag = 0;
        for (JsonNode o : described.path("offsets")) {
            lag += o.path("lag").asLong();
        }
        assertThat(lag).as("the group lags after committing 2 of 5").isEqualTo(3);
        open("#/groups/" + group);
        everyControlIsLabelled();
        assertThat(browser.text("#total-lag")).contains("total lag 3.");
        assertThat(rowsOf("offsets-table")).isEqualTo(described.path("offsets").size());
        for (int i = 0; i < described.path("offsets").size(); i++) {
            JsonNode o = described.path("offsets").get(i);
            assertThat(cells("offsets-table", i)).containsExactly(o.path("topic").asText(), o.path("partition").asText(),
                    o.path("committed").asText(), o.path("highWatermark").asText(), o.path("lag").asText());
        }
        // The page refreshes every 2 s without taking the keyboard focus from a link in its tables.
        browser.eval("document.querySelector('#offsets-table a').focus()");
        Thread.sleep(2_500);
        assertThat(browser.eval("document.activeElement === document.querySelector('#offsets-table a')").asBoolean())
                .as("the focus stays on the link across refreshes").isTrue();

        // A live member shows with its assignment; it leaves before the CLI consumer joins.
        JsonNode joined = api.post("/groups/" + group + "/heartbeat", "{\"memberEpoch\":0,\"topics\":[\"" + topic + "\"]}").json();
        String memberId = joined.path("memberId").asText();
        assertThat(memberId).isNotEmpty();
        browser.waitFor("the member and its assignment", () -> rowsOf("members-table") == 1
                && cells("members-table", 0).get(0).equals(memberId) && cells("members-table", 0).get(2).equals(topic + ": 0, 1"));
        shot("group-lagging");
        long memberEpoch = api.get("/groups/" + group).json().path("members").get(0).path("memberEpoch").asLong();
        assertThat(api.post("/groups/" + group + "/heartbeat", "{\"memberId\":\"" + memberId
                + "\",\"memberEpoch\":-1,\"leaveEpoch\":" + memberEpoch + ",\"topics\":[\"" + topic + "\"]}").status())
                .isEqualTo(200);
        browser.waitFor("the member to be gone", "document.getElementById('members-table').innerText === 'No live members.'");
        assertThat(cli("consume", topic, "--group", group, "--count", "3", "--idle-timeout-ms", "2000")).isZero();
        browser.waitFor("the lag to reach 0", "document.getElementById('total-lag').innerText.includes('total lag 0.')");
        assertThat(rowsOf("offsets-table")).isEqualTo(2);
        assertThat(cells("offsets-table", 0).get(4)).isEqualTo("0");
        assertThat(cells("offsets-table", 1).get(4)).isEqualTo("0");
        browser.waitFor("the lag chart to show the fall", "document.querySelector('#lag-chart svg polyline')");
        assertThat(browser.eval("document.querySelector('#lag-chart svg').getAttribute('aria-label')").asText())
                .startsWith("Total lag: latest 0 records, highest 3 records");
        shot("group");
        open("#/groups");
        assertThat(browser.text("#groups-list")).contains(group);

        // Delete the topic, behind its confirmation; Cancel first deletes nothing.
        open("#/topics/" + topic);
        browser.click("#delete-topic");
        browser.waitFor("the confirmation dialog", "document.getElementById('confirm').open");
        browser.click("#confirm-cancel");
        browser.waitFor("the dialog to close", "!document.getElementById('confirm').open");
        assertThat(api.get("/topics/" + topic).status()).as("cancelled").isEqualTo(200);
        // A cancel and a new delete in one task: the cancel's close event, a task of its own, arrives after
        // the new dialog opened, and must not answer it (it did once under load, and the delete never ran).
        browser.click("#delete-topic");
        browser.waitFor("the confirmation dialog", "document.getElementById('confirm').open");
        browser.eval("document.getElementById('confirm-cancel').click(); document.getElementById('delete-topic').click()");
        browser.waitFor("the confirmation dialog", "document.getElementById('confirm').open");
        assertThat(browser.text("#confirm-text")).contains("Delete topic " + topic);
        browser.click("#confirm-ok");
        browser.waitFor("the topic list", "location.hash === '#/topics' && document.getElementById('topics-table')");
        assertThat(browser.text("#status")).isEqualTo("Deleted topic " + topic + ".");
        assertThat(api.get("/topics/" + topic).status()).isEqualTo(404);
        assertThat(browser.eval("[...document.querySelectorAll('#topics-table tbody tr')].some(r => r.cells[0].innerText === '"
                + topic + "')").asBoolean()).as("no longer listed").isFalse();
    }

    @Test
    void recordContentsAreShownAsTextNeverAsMarkup() throws Exception {
        String topic = unique("console-xss");
        assertThat(api.post("/topics", "{\"name\":\"" + topic + "\",\"partitions\":1}").status()).isEqualTo(201);
        String script = "<script>alert(1)</script>";
        String img = "<img src=x onerror=\"window.__pwned=1;alert(2)\">";
        String b64 = Base64.getEncoder().encodeToString(script.getBytes(StandardCharsets.UTF_8));
        String imgB64 = Base64.getEncoder().encodeToString(img.getBytes(StandardCharsets.UTF_8));
        assertThat(api.post("/topics/" + topic + "/records", "{\"records\":[{\"key\":\"" + imgB64 + "\",\"value\":\"" + b64
                + "\",\"headers\":[{\"key\":\"<b>h</b>\",\"value\":\"" + imgB64 + "\"}]}]}").status()).isEqualTo(200);

        open("#/browse/" + topic + "?partition=0&offset=0");
        browser.waitFor("the record", () -> rowsOf("records-table") == 1);
        assertThat(cells("records-table", 0).get(3)).isEqualTo("utf-8\n" + script);
        assertThat(cells("records-table", 0).get(2)).isEqualTo("utf-8\n" + img);
        assertThat(cells("records-table", 0).get(4)).contains("<b>h</b>").contains(img);
        assertThat(browser.eval("document.querySelectorAll('main script, main img, main b').length").asInt())
                .as("no element made from record contents").isZero();
        Thread.sleep(500);
        assertThat(browser.eval("window.__pwned === undefined").asBoolean()).isTrue();
        assertThat(browser.dialogs).as("alert never ran").isEmpty();
        shot("records-markup-as-text");
        assertThat(api.send("DELETE", "/topics/" + topic, new byte[0]).status()).isEqualTo(204);
    }

    @Test
    void theBrowserStartsAtAnOffsetOrATimeAndPagesThroughTheRecords() {
        String topic = unique("console-pages");
        assertThat(api.post("/topics", "{\"name\":\"" + topic + "\",\"partitions\":1}").status()).isEqualTo(201);
        long base = System.currentTimeMillis() / 1000 * 1000 - 3_600_000;
        StringBuilder records = new StringBuilder();
        for (int i = 0; i < 45; i++) {
            records.append(i == 0 ? "" : ",").append("{\"value\":\"")
                    .append(Base64.getEncoder().encodeToString(("record " + i).getBytes(StandardCharsets.UTF_8)))
                    .append("\",\"timestamp\":").append(base + i * 1000L).append('}');
        }
        assertThat(api.post("/topics/" + topic + "/records", "{\"records\":[" + records + "]}").status()).isEqualTo(200);

        open("#/browse/" + topic);
        browser.click("#browse-form button[type=submit]");
        browser.waitFor("the first page", () -> rowsOf("records-table") == 20);
        assertThat(cells("records-table", 0).get(0)).isEqualTo("0");
        assertThat(cells("records-table", 19).get(3)).isEqualTo("utf-8\nrecord 19");
        browser.click("#next-page");
        browser.waitFor("the second page", () -> cells("records-table", 0).get(0).equals("20"));
        browser.click("#next-page");
        browser.waitFor("the last page", () -> cells("records-table", 0).get(0).equals("40"));
        assertThat(rowsOf("records-table")).isEqualTo(5);
        assertThat(browser.eval("document.getElementById('next-page') === null").asBoolean()).as("nothing after it").isTrue();
        browser.click("#previous-page");
        browser.waitFor("back to the second page", () -> cells("records-table", 0).get(0).equals("20"));

        // From a time: the first record at or after it (the input is UTC, to the second).
        String at = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(java.time.ZoneOffset.UTC)
                .format(java.time.Instant.ofEpochMilli(base + 30_500));
        browser.fill("#browse-offset", "");
        browser.fill("#browse-timestamp", at);
        browser.click("#browse-form button[type=submit]");
        browser.waitFor("records from " + at, () -> cells("records-table", 0).get(0).equals("30"));
        assertThat(cells("records-table", 0).get(1)).isEqualTo(java.time.format.DateTimeFormatter
                .ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC)
                .format(java.time.Instant.ofEpochMilli(base + 30_000)));
        assertThat(api.send("DELETE", "/topics/" + topic, new byte[0]).status()).isEqualTo(204);
    }

    @Test
    void errorsOfTheApiAreShownWithTheirCodeAndMessage() {
        open("#/topics/no-such-topic-" + UUID.randomUUID().toString().substring(0, 8));
        browser.waitFor("the error", "!document.getElementById('error').hidden");
        assertThat(browser.text("#error")).startsWith("Error: 404 UNKNOWN_TOPIC: ");
        open("#/groups/no-such-group-here");
        browser.waitFor("the error", "!document.getElementById('error').hidden");
        assertThat(browser.text("#error")).startsWith("Error: 404 UNKNOWN_GROUP: ");

        open("#/topics");
        browser.fill("#new-topic-name", "console-bad");
        browser.fill("#new-topic-partitions", "1001");
        browser.eval("document.getElementById('new-topic-partitions').max = 5000");
        browser.click("#create-topic button[type=submit]");
        browser.waitFor("the confirmation dialog", "document.getElementById('confirm').open");
        browser.click("#confirm-ok");
        browser.waitFor("the error", "!document.getElementById('error').hidden");
        assertThat(browser.text("#error")).startsWith("Error: 400 INVALID_PARTITION_COUNT: ");
    }

    @Test
    void operatorActionsRunBehindAConfirmationAndShowWhatTheyDid() throws Exception {
        String topic = unique("console-ops");
        assertThat(api.post("/topics", "{\"name\":\"" + topic + "\",\"partitions\":1}").status()).isEqualTo(201);
        assertThat(api.post("/topics/" + topic + "/records", "{\"records\":[{\"value\":\"YQ==\"},{\"value\":\"Yg==\"}]}").status())
                .isEqualTo(200);
        String group = unique("console-reset");
        assertThat(api.post("/groups/" + group + "/offsets", "{\"offsets\":[{\"topic\":\"" + topic
                + "\",\"partition\":0,\"offset\":2}]}").status()).isEqualTo(200);

        open("#/groups/" + group);
        assertThat(browser.text("#total-lag")).contains("total lag 0.");
        browser.fill("#reset-topic", topic);
        browser.fill("#reset-to", "earliest");
        browser.click("#reset-group button[type=submit]");
        browser.waitFor("the confirmation dialog", "document.getElementById('confirm').open");
        assertThat(browser.text("#confirm-text")).contains("Reset group " + group);
        browser.click("#confirm-ok");
        browser.waitFor("the reset to show", "document.getElementById('total-lag').innerText.includes('total lag 2.')");
        assertThat(api.get("/groups/" + group).json().path("offsets").get(0).path("committed").asLong()).isZero();

        open("#/maintenance");
        everyControlIsLabelled();
        browser.fill("#maintenance-topic", topic);
        browser.click("#run-maintenance button[type=submit]");
        browser.waitFor("the confirmation dialog", "document.getElementById('confirm').open");
        browser.click("#confirm-ok");
        browser.waitFor("the report", "document.getElementById('maintenance-table')");
        JsonNode measures = browser.eval("[...document.querySelectorAll('#maintenance-table tbody tr')].map(r => r.cells[0].innerText)");
        assertThat(measures.toString()).contains("\"entriesMerged\"", "\"objectsDeleted\"", "\"failures\"", "\"durationMs\"");
        shot("maintenance");
        assertThat(api.send("DELETE", "/topics/" + topic, new byte[0]).status()).isEqualTo(204);
    }

    @Test
    void shareGroupsShowTheirStateAndInFlightCounts() throws Exception {
        String topic = unique("console-queue");
        String group = unique("console-share");
        assertThat(api.post("/topics", "{\"name\":\"" + topic + "\",\"partitions\":1}").status()).isEqualTo(201);
        assertThat(api.send("PUT", "/share-groups/" + group, ("{\"topics\":[\"" + topic + "\"]}").getBytes(StandardCharsets.UTF_8))
                .status()).isEqualTo(200);
        assertThat(api.post("/topics/" + topic + "/records", "{\"records\":[{\"value\":\"YQ==\"},{\"value\":\"Yg==\"},{\"value\":\"Yw==\"}]}")
                .status()).isEqualTo(200);
        assertThat(api.post("/share-groups/" + group + "/fetch", "{\"maxRecords\":1,\"lockDurationMs\":60000}").status())
                .isEqualTo(200);

        open("#/share-groups");
        assertThat(browser.text("#share-groups-list")).contains(group);
        open("#/share-groups/" + group);
        assertThat(browser.text("#share-summary")).contains("In flight (acquired) 1, available 2");
        List<String> partition = cells("share-partitions-table", 0);
        assertThat(partition.subList(0, 6)).containsExactly(topic, "0", "0", "3", "2", "1");
        shot("share-group");
    }

    /**
     * Issue 19's push subscriptions in the console: a subscription to an http target (a small server here)
     * shows its state, counts and lag per partition, never its secret, and pauses behind the confirmation;
     * a target that answers 500 shows its last error.
     */
    @Test
    void subscriptionsShowTheirStateCountsAndLastErrorAndPauseBehindAConfirmation() throws Exception {
        java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            received.incrementAndGet();
            exchange.sendResponseHeaders(exchange.getRequestURI().getPath().equals("/fail") ? 500 : 200, -1);
            exchange.close();
        });
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        String topic = unique("console-subs");
        String name = unique("console-sub");
        String failing = unique("console-sub-fail");
        String failingTopic = unique("console-subs-fail");
        String secret = "console-s3cret-" + UUID.randomUUID();
        try {
            assertThat(api.post("/topics", "{\"name\":\"" + topic + "\",\"partitions\":2}").status()).isEqualTo(201);
            HttpApiClient.Response created = api.post("/subscriptions", "{\"name\":\"" + name + "\",\"topic\":\"" + topic
                    + "\",\"target\":{\"type\":\"http\",\"url\":\"" + url + "/ok\",\"secret\":\"" + secret + "\"}}");
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            assertThat(api.post("/topics/" + topic + "/records", "{\"records\":[{\"partition\":0,\"value\":\"YQ==\"},"
                    + "{\"partition\":0,\"value\":\"Yg==\"},{\"partition\":0,\"value\":\"Yw==\"},{\"partition\":1,\"value\":\"ZA==\"},"
                    + "{\"partition\":1,\"value\":\"ZQ==\"}]}").status()).isEqualTo(200);

            open("#/subscriptions/" + name);
            browser.waitFor("the five records delivered and the lag at 0", "document.getElementById('subscription-counts')"
                    + ".innerText.includes('lag 0, delivered 5,')");
            assertThat(received.get()).as("the target was called").isPositive();
            assertThat(browser.text("#subscription-state")).isEqualTo("State ACTIVE.");
            assertThat(browser.text("#subscription-counts")).isEqualTo("In flight (partitions being delivered) 0, lag 0, "
                    + "delivered 5, failed (attempts) 0, dead-lettered 0.");
            assertThat(browser.text("#subscription-last-error")).isEqualTo("No error.");
            assertThat(browser.text("#subscription-summary")).contains("target POST " + url + "/ok (signed with a secret)")
                    .contains("group sub." + name);
            assertThat(rowsOf("subscription-partitions-table")).isEqualTo(2);
            assertThat(cells("subscription-partitions-table", 0)).containsExactly("0", "3", "3", "0", "no", "none");
            assertThat(cells("subscription-partitions-table", 1)).containsExactly("1", "2", "2", "0", "no", "none");
            assertThat(browser.text("body")).as("the secret is never shown").doesNotContain(secret).doesNotContain("********");
            shot("subscription");

            open("#/subscriptions");
            int row = browser.eval("[...document.querySelectorAll('#subscriptions-table tbody tr')].findIndex(r => r.cells[0]"
                    + ".innerText === '" + name + "')").asInt();
            assertThat(row).as("the subscription is listed").isGreaterThanOrEqualTo(0);
            assertThat(cells("subscriptions-table", row)).containsExactly(name, topic,
                    "POST " + url + "/ok (signed with a secret)", "ACTIVE");
            assertThat(browser.text("body")).doesNotContain(secret);
            browser.click("#subscriptions-table a[href='#/subscriptions/" + name + "']");
            browser.waitFor("the subscription page", "document.getElementById('subscription-state')");

            // Pause behind the confirmation: Cancel changes nothing, Confirm pauses.
            browser.click("#pause-subscription");
            browser.waitFor("the confirmation dialog", "document.getElementById('confirm').open");
            assertThat(browser.text("#confirm-text")).isEqualTo("Pause subscription " + name + "?");
            browser.click("#confirm-cancel");
            browser.waitFor("the dialog to close", "!document.getElementById('confirm').open");
            assertThat(api.get("/subscriptions/" + name).json().path("subscription").path("state").asText()).isEqualTo("ACTIVE");
            browser.click("#pause-subscription");
            browser.waitFor("the confirmation dialog", "document.getElementById('confirm').open");
            browser.click("#confirm-ok");
            browser.waitFor("the page to show PAUSED", "document.getElementById('subscription-state').innerText === 'State PAUSED.'");
            assertThat(browser.text("#status")).isEqualTo("Subscription " + name + " is PAUSED.");
            assertThat(api.get("/subscriptions/" + name).json().path("subscription").path("state").asText())
                    .as("paused through the console").isEqualTo("PAUSED");
            assertThat(browser.eval("document.getElementById('pause-subscription').hidden"
                    + " && !document.getElementById('resume-subscription').hidden").asBoolean()).as("only Resume offered").isTrue();

            // A target that answers 500: its last error is on the page. (A topic of its own: produce functions
            // trust their cached list of a topic's subscriptions for 30 s, so a new one on a topic already
            // produced to would wait for the sweep.)
            assertThat(api.post("/topics", "{\"name\":\"" + failingTopic + "\",\"partitions\":2}").status()).isEqualTo(201);
            HttpApiClient.Response failed = api.post("/subscriptions", "{\"name\":\"" + failing + "\",\"topic\":\""
                    + failingTopic + "\",\"target\":{\"type\":\"http\",\"url\":\"" + url + "/fail\"}}");
            assertThat(failed.status()).as(failed.body()).isEqualTo(201);
            assertThat(api.post("/topics/" + failingTopic + "/records", "{\"records\":[{\"partition\":0,\"value\":\"Zg==\"}]}").status())
                    .isEqualTo(200);
            open("#/subscriptions/" + failing);
            browser.waitFor("the last error", "document.getElementById('subscription-last-error').innerText.includes('answered 500')");
            // while retrying it is the target's answer; once stopped (no dead-letter topic), the reason, which ends with it
            assertThat(browser.text("#subscription-last-error")).startsWith("Last error: ")
                    .endsWith("POST " + url + "/fail answered 500");
            assertThat(browser.text("#subscription-summary")).contains("target POST " + url + "/fail (unsigned)");
            assertThat(cells("subscription-partitions-table", 0).get(5)).startsWith("POST " + url + "/fail answered 500 (");
            assertThat(cells("subscription-partitions-table", 1).get(5)).isEqualTo("none");
            shot("subscription-failing");
        } finally {
            api.send("DELETE", "/subscriptions/" + failing, new byte[0]);
            api.send("DELETE", "/subscriptions/" + name, new byte[0]);
            api.send("DELETE", "/topics/" + failingTopic, new byte[0]);
            api.send("DELETE", "/topics/" + topic, new byte[0]);
            server.stop(0);
        }
    }

    /**
     * The console against a local stack under {@code --auth jwt}, which refuses as a deployed stack's JWT API
     * does: its files load without a token, every API call without a valid token answers 401, and an
     * operator route 403 for a token without the admin scope. The pasted token is what gets through.
     */
    @Test
    void unauthorizedAndForbiddenAreExplainedAndThePastedTokenIsSent(@TempDir Path dir) throws Exception {
        String issuer = "https://issuer.console.test";
        String audience = "sluice-console";
        RSAKey key = new RSAKeyGenerator(2048).keyID("console-key").generate();
        Path jwks = Files.writeString(dir.resolve("jwks.json"), new JWKSet(key.toPublicJWK()).toString());
        try (LocalStack jwtStack = LocalStack.start(new LocalStack.Settings("127.0.0.1", 0, dir.resolve("data"),
                EmbeddedBackends.projectRoot().resolve("template.yaml"), EmbeddedBackends.infraDir())
                .withAuth(AuthConfig.jwt(issuer, List.of(audience), jwks.toString(), Clock.systemUTC()))
                // the token's subject is an admin: this test is about the JWT API's 401 and 403, not issue 16's ACLs
                .with(new LocalStack.Access(List.of("jwt:" + issuer + "#console-user"), null)))) {
            String console = jwtStack.endpoint() + "/console/";
            browser.navigate("about:blank");
            browser.waitFor("a blank page", "location.href === 'about:blank'");
            browser.navigate(console + "#/topics");
            browser.waitFor("the 401", "!document.getElementById('error').hidden");
            assertThat(browser.text("#error")).isEqualTo("Error: 401 Unauthorized: the API wants a valid bearer token. "
                    + "Paste one above (Unauthorized).");
            shot("unauthorized");

            browser.fill("#token", token(key, issuer, audience, "openid"));
            browser.click("#token-form button[type=submit]");
            browser.waitFor("the topic list", "document.getElementById('topics-table')");
            assertThat(browser.text("#error")).isEmpty();
            assertThat(browser.text("#status")).isEqualTo("Using the bearer token.");

            String topic = unique("console-jwt");
            browser.fill("#new-topic-name", topic);
            browser.click("#create-topic button[type=submit]");
            browser.waitFor("the confirmation dialog", "document.getElementById('confirm').open");
            browser.click("#confirm-ok");
            browser.waitFor("the 403", "!document.getElementById('error').hidden");
            assertThat(browser.text("#error")).isEqualTo("Error: 403 Forbidden: this token may not do that (operator "
                    + "actions need the admin scope), or the local stack refused a request from another origin (Forbidden).");

            browser.fill("#token", token(key, issuer, audience, "openid sluice/admin"));
            browser.click("#token-form button[type=submit]");
            browser.waitFor("the topic list", "document.getElementById('topics-table') && document.getElementById('error').hidden");
            browser.fill("#new-topic-name", topic);
            browser.click("#create-topic button[type=submit]");
            browser.waitFor("the confirmation dialog", "document.getElementById('confirm').open");
            browser.click("#confirm-ok");
            browser.waitFor("the new topic's page", "location.hash === '#/topics/" + topic + "' && document.getElementById('partitions-table')");
            assertThat(browser.text("#error")).isEmpty();
            browser.eval("sessionStorage.clear()");
        }
    }

    private static String token(RSAKey key, String issuer, String audience, String scope) throws Exception {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer(issuer).audience(audience).subject("console-user").claim("scope", scope)
                        .issueTime(Date.from(now.minusSeconds(10))).expirationTime(Date.from(now.plusSeconds(600))).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }
}

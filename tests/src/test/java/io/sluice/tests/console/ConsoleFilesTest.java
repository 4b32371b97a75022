package io.sluice.tests.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.console.ConsoleFiles;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The console's files as served: each listed file is there, the modules import only listed files, and no
 * module has a way to turn a string into markup or code (innerHTML and its kin, eval, inline handlers),
 * which with the Content-Security-Policy keeps record contents text. ConsoleBrowserTest shows it in a
 * browser; this catches a new module that would reach for one of those.
 */
class ConsoleFilesTest {

    private static String body(String name) {
        ConsoleFiles.Response response = ConsoleFiles.get("GET", "/console/" + name);
        assertThat(response.status()).as(name).isEqualTo(200);
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    @Test
    void everyFileIsServedAndTheModulesImportOnlyServedFiles() {
        Set<String> imported = new TreeSet<>();
        Pattern imports = Pattern.compile("(?:from|import)\\s+'\\./([\\w.-]+)'|src=\"([\\w.-]+)\"|href=\"([\\w.-]+\\.css)\"");
        for (String name : ConsoleFiles.names()) {
            Matcher m = imports.matcher(body(name));
            while (m.find()) {
                imported.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
            }
        }
        assertThat(imported).contains("app.js", "console.css", "views.js", "api.js", "format.js", "chart.js", "dom.js");
        assertThat(ConsoleFiles.names()).containsAll(imported);
        assertThat(ConsoleFiles.get("GET", "/console/").body()).isEqualTo(ConsoleFiles.get("GET", "/console/index.html").body());
    }

    @Test
    void noModuleCanTurnAStringIntoMarkupOrCode() {
        Pattern forbidden = Pattern.compile("innerHTML|outerHTML|insertAdjacentHTML|document\\.write|\\beval\\(|new Function|"
                + "createContextualFragment|DOMParser|srcdoc|\\son\\w+=");
        for (String name : ConsoleFiles.names()) {
            Matcher m = forbidden.matcher(body(name));
            boolean found = m.find();
            assertThat(found).as("%s uses %s", name, found ? m.group() : "").isFalse();
        }
        assertThat(forbidden.matcher("node.innerHTML = value").find()).as("the check can fail").isTrue();
    }

    @Test
    void answersCarryAPolicyThatRunsOnlyThisOriginsScripts() {
        for (String path : new String[] {"/console/", "/console/app.js", "/console/missing.js", "/console"}) {
            ConsoleFiles.Response response = ConsoleFiles.get("GET", path);
            assertThat(response.headers().get("content-security-policy")).as(path)
                    .contains("script-src 'self'").contains("default-src 'none'").doesNotContain("unsafe");
            assertThat(response.headers()).as(path).containsEntry("x-content-type-options", "nosniff");
        }
        assertThat(ConsoleFiles.get("GET", "/console/missing.js").status()).isEqualTo(404);
        assertThat(ConsoleFiles.get("GET", "/console/../pom.xml").status()).isEqualTo(404);
        assertThat(ConsoleFiles.get("POST", "/console/app.js").status()).isEqualTo(405);
    }
}

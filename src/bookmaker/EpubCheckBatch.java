// EPUBCheck on one EPUB after another in one Java process: the JVM and EPUBCheck's schemas load
// once, and each further EPUB takes well under a second instead of five.
// Run by bookmaker/epubcheck.py as `java -cp epubcheck.jar EpubCheckBatch.java` (a source-file
// program: no compiler step, a Java runtime is enough). Each line read is "<epub>\t<json report>";
// each EPUB checked is answered by one line, "done <exit code>" (or "failed <why>").
import com.adobe.epubcheck.tool.EpubChecker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

public class EpubCheckBatch {
    public static void main(String[] args) throws Exception {
        BufferedReader requests =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String request;
        while ((request = requests.readLine()) != null) {
            String[] paths = request.split("\t");
            try {
                int code = new EpubChecker().run(new String[] {paths[0], "--json", paths[1], "-q"});
                System.out.println("done " + code);
            } catch (RuntimeException crash) {
                System.out.println("failed " + crash);
            }
            System.out.flush();
        }
    }
}

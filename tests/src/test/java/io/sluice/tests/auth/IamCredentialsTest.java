package io.sluice.tests.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.infra.auth.IamCredentials;
import io.sluice.infra.auth.IamIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sluice-local's identities: its own environment's key pair, or a credentials file, which is read strictly. */
class IamCredentialsTest {

    @TempDir
    Path dir;

    private Path file(String text) throws Exception {
        Path file = dir.resolve("credentials");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void aFileGivesOneIdentityALineSkippingCommentsAndBlankLines() throws Exception {
        IamCredentials credentials = IamCredentials.fromFile(file("""
                # local identities
                AKIAPRODUCER00000001   producer-secret\tarn:aws:iam::111111111111:user/producer

                  AKIACONSUMER00000002 consumer-secret arn:aws:sts::222222222222:assumed-role/Readers/c1
                """));
        assertThat(credentials.size()).isEqualTo(2);
        assertThat(credentials.find("AKIAPRODUCER00000001").principalArn())
                .isEqualTo("arn:aws:iam::111111111111:user/producer");
        assertThat(credentials.find("AKIAPRODUCER00000001").secretAccessKey()).isEqualTo("producer-secret");
        assertThat(credentials.find("AKIACONSUMER00000002").accountId()).isEqualTo("222222222222");
        assertThat(credentials.find("AKIANOBODY0000000003")).isNull();
    }

    @Test
    void aMalformedFileIsAClearErrorNamingTheLineAndNeverTheSecret() throws Exception {
        assertThatThrownBy(() -> IamCredentials.fromFile(file("AKIAPRODUCER00000001 s3cr3t-value\n")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 1: expected 'accessKeyId secretAccessKey principalArn', found 2 fields")
                .hasMessageNotContaining("s3cr3t-value");
        assertThatThrownBy(() -> IamCredentials.fromFile(file("# ok\nAKIAPRODUCER00000001 s3cr3t-value user/producer\n")))
                .hasMessageContaining("line 2: 'user/producer' is not an IAM or STS principal ARN")
                .hasMessageNotContaining("s3cr3t-value");
        assertThatThrownBy(() -> IamCredentials.fromFile(file(
                "AKIAPRODUCER00000001 a arn:aws:iam::111111111111:user/a\n"
                        + "AKIAPRODUCER00000001 b arn:aws:iam::111111111111:user/b\n")))
                .hasMessageContaining("line 2: access key AKIAPRODUCER00000001 is already given");
        assertThatThrownBy(() -> IamCredentials.fromFile(file("lower-case-key s arn:aws:iam::111111111111:user/a\n")))
                .hasMessageContaining("line 1: an access key id is");
        assertThatThrownBy(() -> IamCredentials.fromFile(file("# nothing\n\n")))
                .hasMessageContaining("names no identity");
        assertThatThrownBy(() -> IamCredentials.fromFile(dir.resolve("missing")))
                .hasMessageContaining("cannot read the credentials file");
    }

    @Test
    void withoutAFileTheEnvironmentsKeyPairIsTheLocalUser() {
        IamCredentials credentials = IamCredentials.fromEnvironment(Map.of("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00001",
                "AWS_SECRET_ACCESS_KEY", "env-secret"));
        IamIdentity local = credentials.find("AKIAENVIRONMENT00001");
        assertThat(local.principalArn()).isEqualTo("arn:aws:iam::000000000000:user/local")
                .isEqualTo(IamIdentity.LOCAL_PRINCIPAL);
        assertThat(local.sessionToken()).isNull();
        assertThatThrownBy(() -> IamCredentials.fromEnvironment(Map.of("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00001")))
                .hasMessageContaining("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set")
                .hasMessageContaining("--credentials FILE");
    }
}

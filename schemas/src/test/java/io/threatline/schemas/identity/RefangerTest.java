package io.threatline.schemas.identity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RefangerTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            hxxps://evil[.]example[.]com:443/path | https://evil.example.com:443/path
            hxxp://evil(.)example{.}com             | http://evil.example.com
            HXXP://a[dot]b(DOT)c{dot}d              | http://a.b.c.d
            fxp://files[.]example[.]org             | ftp://files.example.org
            fxps://files[.]example[.]org            | ftps://files.example.org
            http[://]example[.]com                  | http://example.com
            http[:]//example[.]com                  | http://example.com
            hxxp[://]example[.]com                  | http://example.com
            user[@]example[.]com                    | user@example.com
            user[at]example[.]com                   | user@example.com
            user(at)example(.)com                   | user@example.com
            user(AT)example[DOT]com                 | user@example.com
            192[.]0[.]2[.]1                         | 192.0.2.1
            2001[:]db8[:][:]1                       | 2001:db8::1
            [[.]]                                   | .
            """)
    void shouldRefangDefangedValues(String defanged, String expected) {
        assertThat(Refanger.refang(defanged)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} stays as it is")
    @CsvSource(delimiter = '|', textBlock = """
            https://example.com/a(b)c[d]{e}
            http://[2001:db8::1]:8080/
            user@[192.0.2.1]
            hxxpexample.com
            example.com
            """)
    void shouldLeaveValuesWithoutDefangTokensAlone(String plain) {
        assertThat(Refanger.refang(plain)).isEqualTo(plain);
    }

    @Test
    void shouldBeIdempotentOnNestedTokens() {
        String once = Refanger.refang("a[[.].]b[(.)]c");

        assertThat(Refanger.refang(once)).isEqualTo(once);
    }

    @Test
    void shouldPassNullThrough() {
        assertThat(Refanger.refang(null)).isNull();
    }
}

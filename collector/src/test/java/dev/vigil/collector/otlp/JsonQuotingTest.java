package dev.vigil.collector.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonQuotingTest {
  @Test
  void quotedStringsParseBackToTheSameText() throws Exception {
    String text = "say \"hi\"\\ then\n\r\t\u0001\u001f end — ünïcödé 😀 </script>";
    StringBuilder json = new StringBuilder();
    OtlpConverter.quote(json, text);
    assertThat(new ObjectMapper().readTree(json.toString()).textValue()).isEqualTo(text);
  }
}

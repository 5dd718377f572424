#include "h2_fixture.h"

#include "child_process.h"

namespace itest {
namespace {

constexpr const char* kClientScript = CENTINELA_SOURCE_DIR "/tests/integration/h2_client.py";

H2Stream to_stream(const JsonValue& item) {
  H2Stream stream;
  stream.response.status = static_cast<int>(item.number_at("status").value_or(0));
  if (const JsonValue* headers = item.get("headers")) {
    for (const JsonValue& pair : headers->items) {
      if (pair.items.size() == 2)
        stream.response.headers.emplace_back(pair.items[0].text, pair.items[1].text);
    }
  }
  if (const JsonValue* trailers = item.get("trailers")) {
    for (const JsonValue& pair : trailers->items) {
      if (pair.items.size() == 2)
        stream.response.trailers += pair.items[0].text + ": " + pair.items[1].text + "\r\n";
    }
  }
  stream.response.body = item.string_at("body");
  stream.response.body_bytes = static_cast<std::uint64_t>(item.number_at("body_len").value_or(0));
  stream.response.body_crc32 = static_cast<std::uint32_t>(item.number_at("body_crc").value_or(0));
  if (auto code = item.number_at("reset")) {
    stream.reset = static_cast<int>(*code);
    stream.response.error = fmt::format("RST_STREAM {}", *stream.reset);
  }
  stream.ended = item.get("ended") && item.get("ended")->boolean;
  if (const JsonValue* statuses = item.get("informational")) {
    for (const JsonValue& status : statuses->items) {
      stream.informational.push_back(static_cast<int>(status.number));
    }
  }
  return stream;
}

}  // namespace

std::vector<H2Stream> H2Answer::streams() const {
  std::vector<H2Stream> out;
  if (const JsonValue* responses = json.get("responses")) {
    for (const JsonValue& item : responses->items) out.push_back(to_stream(item));
  }
  return out;
}

std::optional<double> H2Answer::setting(const std::string& name) const {
  return json.number_at("settings." + name);
}

std::optional<int> H2Answer::goaway_code() const {
  if (auto code = json.number_at("goaway.error_code")) return static_cast<int>(*code);
  return std::nullopt;
}

int H2Answer::event_index(const std::string& type) const {
  const JsonValue* events = json.get("events");
  if (events == nullptr) return -1;
  for (std::size_t i = 0; i < events->items.size(); ++i) {
    if (events->items[i].string_at("type") == type) return static_cast<int>(i);
  }
  return -1;
}

std::string Http2Test::render() const {
  std::string yaml = config_.render();
  const std::string plain = fmt::format("  listen: [\"127.0.0.1:{}\"]\n", port());
  const std::string tls = listener_tls_.empty() ? "" : ", tls: {" + listener_tls_ + "}";
  const std::string with_h2 =
      fmt::format("  listen:\n    - {{address: \"127.0.0.1:{}\", http2: true{}}}\n", port(), tls);
  const auto at = yaml.find(plain);
  if (at != std::string::npos) yaml.replace(at, plain.size(), with_h2);
  return yaml;
}

::testing::AssertionResult Http2Test::start_h2() {
  write_config_file(render());
  gateway_ = std::make_unique<GatewayProcess>(config_path_, config_.admin_port, dir_.path());
  return gateway_->start();
}

H2Answer Http2Test::h2(const std::string& args, std::chrono::milliseconds timeout) const {
  const std::string json =
      fmt::format("{{\"port\": {}{}{}}}", port(), args.empty() ? "" : ", ", args);
  const CommandResult result = run_command({"/usr/bin/python3", kClientScript, json}, timeout);
  H2Answer answer;
  answer.raw = result.output().substr(0, 6000);
  if (auto parsed = parse_json(result.out)) answer.json = std::move(*parsed);
  return answer;
}

::testing::AssertionResult Http2Test::h2_serves_normally() const {
  const H2Answer answer = h2(R"("requests": [{"path": "/still-serving"}])");
  const auto streams = answer.streams();
  if (!answer.ok() || streams.size() != 1 || streams[0].response.status != 200) {
    return ::testing::AssertionFailure() << "a fresh h2 connection was not served: " << answer.raw;
  }
  auto echo = parse_json(streams[0].response.body);
  if (!echo || echo->string_at("origin") != origin_.name()) {
    return ::testing::AssertionFailure() << "not answered by the origin: " << answer.raw;
  }
  return ::testing::AssertionSuccess();
}

std::string h2_gets(const std::vector<std::string>& paths) {
  std::string out = "\"requests\": [";
  for (std::size_t i = 0; i < paths.size(); ++i) {
    out += (i == 0 ? "" : ", ") + fmt::format("{{\"path\": {}}}", json_quote(paths[i]));
  }
  return out + "]";
}

}  // namespace itest

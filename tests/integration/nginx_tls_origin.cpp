#include "nginx_tls_origin.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <chrono>

#include "eventually.h"
#include "loopback_socket.h"

namespace itest {
namespace {

using namespace std::chrono_literals;

constexpr const char* kNginx = "/usr/sbin/nginx";

}  // namespace

NginxTlsOrigin::NginxTlsOrigin(const TempDir& dir, std::uint16_t port, NginxTlsOptions options)
    : root_(dir.file("nginx-" + std::to_string(port))), port_(port), options_(std::move(options)) {}

NginxTlsOrigin::~NginxTlsOrigin() {
  if (process_) process_->kill_and_reap();
}

::testing::AssertionResult NginxTlsOrigin::start() {
  ::mkdir(root_.c_str(), 0700);
  const std::string client_auth =
      options_.client_ca.empty()
          ? ""
          : fmt::format("    ssl_client_certificate {};\n    ssl_verify_client on;\n",
                        options_.client_ca);
  // nginx forwards an upgrade only when told to send Upgrade and Connection
  // on, over HTTP/1.1; it then relays the tunnel's bytes both ways.
  const std::string ws_proxy =
      options_.ws_proxy_port == 0
          ? ""
          : fmt::format(
                "    location /ws/ {{\n      proxy_pass http://127.0.0.1:{};\n"
                "      proxy_http_version 1.1;\n      proxy_set_header Upgrade $http_upgrade;\n"
                "      proxy_set_header Connection \"upgrade\";\n"
                "      proxy_set_header Host $host;\n    }}\n",
                options_.ws_proxy_port);
  // reuseport: the test holds the port reserved with SO_REUSEPORT.
  const std::string conf = fmt::format(
      R"(daemon off;
master_process off;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log info;
events {{ worker_connections 256; }}
http {{
  access_log off;
  client_body_temp_path {root}/body;
  proxy_temp_path {root}/proxy;
  fastcgi_temp_path {root}/fastcgi;
  uwsgi_temp_path {root}/uwsgi;
  scgi_temp_path {root}/scgi;
  log_format conn '$connection $ssl_session_reused $ssl_protocol $request_uri';
  keepalive_timeout 60s;
  keepalive_requests 10000;
  server {{
    listen 127.0.0.1:{port} ssl reuseport;
    server_name localhost;
    access_log {root}/access.log conn;
    ssl_certificate {cert};
    ssl_certificate_key {key};
    ssl_protocols {protocols};
{client_auth}{ws_proxy}    location / {{
      add_header X-Connection $connection always;
      add_header X-Session-Reused $ssl_session_reused always;
      add_header X-Tls-Protocol $ssl_protocol always;
      add_header X-Client-Verify $ssl_client_verify always;
      return 200 "tls-origin\n";
    }}
  }}
}}
)",
      fmt::arg("root", root_), fmt::arg("port", port_), fmt::arg("cert", options_.cert),
      fmt::arg("key", options_.key), fmt::arg("protocols", options_.protocols),
      fmt::arg("client_auth", client_auth), fmt::arg("ws_proxy", ws_proxy));
  const std::string conf_path = root_ + "/nginx.conf";
  {
    std::FILE* file = std::fopen(conf_path.c_str(), "w");
    if (file == nullptr) return ::testing::AssertionFailure() << "cannot write " << conf_path;
    std::fputs(conf.c_str(), file);
    std::fclose(file);
  }
  process_ =
      std::make_unique<ChildProcess>(std::vector<std::string>{kNginx, "-p", root_, "-c", conf_path},
                                     root_ + "/stdout", root_ + "/stderr");
  if (!process_->started()) return ::testing::AssertionFailure() << process_->error();
  const bool listening = eventually(
      [&] { return connect_loopback(port_, 200ms).valid() || !process_->running(); }, 10s);
  if (!listening || !process_->running()) {
    return ::testing::AssertionFailure()
           << "nginx did not start: " << read_file(root_ + "/stderr") << error_log();
  }
  return ::testing::AssertionSuccess();
}

std::string NginxTlsOrigin::access_log() const { return read_file(root_ + "/access.log"); }
std::string NginxTlsOrigin::error_log() const { return read_file(root_ + "/error.log"); }

}  // namespace itest

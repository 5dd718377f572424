// The dashboard's files (HTML, script, styles, the vendored uPlot), embedded
// into the binary at build time from src/admin/dashboard/assets.txt, so the
// page works offline and needs no CDN.
#pragma once

#include <span>
#include <string_view>

namespace centinela::admin {

struct DashboardAsset {
  std::string_view path;  // the URL path it is served at
  std::string_view content_type;
  std::string_view bytes;
};

std::span<const DashboardAsset> dashboard_assets();

}  // namespace centinela::admin

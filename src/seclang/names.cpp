#include "seclang/names.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <string>

namespace centinela::seclang::detail {
namespace {

struct Name {
  std::string_view spelling;
  std::string_view target = {};  // for aliases
};

constexpr Name kDirectives[] = {
    {"Include"},
    {"IncludeOptional"},
    {"SecAction"},
    {"SecArgumentSeparator"},
    {"SecArgumentsLimit"},
    {"SecAuditEngine"},
    {"SecAuditLog"},
    {"SecAuditLog2"},
    {"SecAuditLogDirMode"},
    {"SecAuditLogFileMode"},
    {"SecAuditLogFormat"},
    {"SecAuditLogParts"},
    {"SecAuditLogRelevantStatus"},
    {"SecAuditLogStorageDir"},
    {"SecAuditLogType"},
    {"SecCacheTransformations"},
    {"SecChrootDir"},
    {"SecCollectionTimeout"},
    {"SecComponentSignature"},
    {"SecConnEngine"},
    {"SecConnReadStateLimit"},
    {"SecConnWriteStateLimit"},
    {"SecContentInjection"},
    {"SecCookieFormat"},
    {"SecCookieV0Separator"},
    {"SecDataDir"},
    {"SecDebugLog"},
    {"SecDebugLogLevel"},
    {"SecDefaultAction"},
    {"SecDisableBackendCompression"},
    {"SecGeoLookupDb"},
    {"SecGsbLookupDb"},
    {"SecGuardianLog"},
    {"SecHashEngine"},
    {"SecHashKey"},
    {"SecHashMethodPm"},
    {"SecHashMethodRx"},
    {"SecHashParam"},
    {"SecHttpBlKey"},
    {"SecInterceptOnError"},
    {"SecMarker"},
    {"SecPcreMatchLimit"},
    {"SecPcreMatchLimitRecursion"},
    {"SecReadStateLimit"},
    {"SecRemoteRules"},
    {"SecRemoteRulesFailAction"},
    {"SecRequestBodyAccess"},
    {"SecRequestBodyInMemoryLimit"},
    {"SecRequestBodyJsonDepthLimit"},
    {"SecRequestBodyLimit"},
    {"SecRequestBodyLimitAction"},
    {"SecRequestBodyNoFilesLimit"},
    {"SecResponseBodyAccess"},
    {"SecResponseBodyLimit"},
    {"SecResponseBodyLimitAction"},
    {"SecResponseBodyMimeType"},
    {"SecResponseBodyMimeTypesClear"},
    {"SecRule"},
    {"SecRuleEngine"},
    {"SecRuleInheritance"},
    {"SecRulePerfTime"},
    {"SecRuleRemoveById"},
    {"SecRuleRemoveByMsg"},
    {"SecRuleRemoveByTag"},
    {"SecRuleScript"},
    {"SecRuleUpdateActionById"},
    {"SecRuleUpdateTargetById"},
    {"SecRuleUpdateTargetByMsg"},
    {"SecRuleUpdateTargetByTag"},
    {"SecSensorId"},
    {"SecServerSignature"},
    {"SecStatusEngine"},
    {"SecStreamInBodyInspection"},
    {"SecStreamOutBodyInspection"},
    {"SecTmpDir"},
    {"SecTmpSaveUploadedFiles"},
    {"SecUnicodeCodePage"},
    {"SecUnicodeMapFile"},
    {"SecUploadDir"},
    {"SecUploadFileLimit"},
    {"SecUploadFileMode"},
    {"SecUploadKeepFiles"},
    {"SecWebAppId"},
    {"SecWriteStateLimit"},
    {"SecXmlExternalEntity"},
};

constexpr Name kVariables[] = {
    {"ARGS"},
    {"ARGS_COMBINED_SIZE"},
    {"ARGS_GET"},
    {"ARGS_GET_NAMES"},
    {"ARGS_NAMES"},
    {"ARGS_POST"},
    {"ARGS_POST_NAMES"},
    {"AUTH_TYPE"},
    {"DURATION"},
    {"ENV"},
    {"FILES"},
    {"FILES_COMBINED_SIZE"},
    {"FILES_NAMES"},
    {"FILES_SIZES"},
    {"FILES_TMPNAMES"},
    {"FILES_TMP_CONTENT"},
    {"FULL_REQUEST"},
    {"FULL_REQUEST_LENGTH"},
    {"GEO"},
    {"GLOBAL"},
    {"HIGHEST_SEVERITY"},
    {"INBOUND_DATA_ERROR"},
    {"IP"},
    {"MATCHED_VAR"},
    {"MATCHED_VARS"},
    {"MATCHED_VARS_NAMES"},
    {"MATCHED_VAR_NAME"},
    {"MODSEC_BUILD"},
    {"MSC_PCRE_LIMITS_EXCEEDED"},
    {"MULTIPART_BOUNDARY_QUOTED"},
    {"MULTIPART_BOUNDARY_WHITESPACE"},
    {"MULTIPART_CRLF_LF_LINES"},
    {"MULTIPART_DATA_AFTER"},
    {"MULTIPART_DATA_BEFORE"},
    {"MULTIPART_FILENAME"},
    {"MULTIPART_FILE_LIMIT_EXCEEDED"},
    {"MULTIPART_HEADER_FOLDING"},
    {"MULTIPART_INVALID_HEADER_FOLDING"},
    {"MULTIPART_INVALID_PART"},
    {"MULTIPART_INVALID_QUOTING"},
    {"MULTIPART_LF_LINE"},
    {"MULTIPART_MISSING_SEMICOLON"},
    {"MULTIPART_NAME"},
    {"MULTIPART_PART_HEADERS"},
    {"MULTIPART_SEMICOLON_MISSING"},
    {"MULTIPART_STRICT_ERROR"},
    {"MULTIPART_UNMATCHED_BOUNDARY"},
    {"OUTBOUND_DATA_ERROR"},
    {"PATH_INFO"},
    {"QUERY_STRING"},
    {"REMOTE_ADDR"},
    {"REMOTE_HOST"},
    {"REMOTE_PORT"},
    {"REMOTE_USER"},
    {"REQBODY_ERROR"},
    {"REQBODY_ERROR_MSG"},
    {"REQBODY_PROCESSOR"},
    {"REQBODY_PROCESSOR_ERROR"},
    {"REQBODY_PROCESSOR_ERROR_MSG"},
    {"REQUEST_BASENAME"},
    {"REQUEST_BODY"},
    {"REQUEST_BODY_LENGTH"},
    {"REQUEST_COOKIES"},
    {"REQUEST_COOKIES_NAMES"},
    {"REQUEST_FILENAME"},
    {"REQUEST_HEADERS"},
    {"REQUEST_HEADERS_NAMES"},
    {"REQUEST_LINE"},
    {"REQUEST_METHOD"},
    {"REQUEST_PROTOCOL"},
    {"REQUEST_URI"},
    {"REQUEST_URI_RAW"},
    {"RESOURCE"},
    {"RESPONSE_BODY"},
    {"RESPONSE_CONTENT_LENGTH"},
    {"RESPONSE_CONTENT_TYPE"},
    {"RESPONSE_HEADERS"},
    {"RESPONSE_HEADERS_NAMES"},
    {"RESPONSE_PROTOCOL"},
    {"RESPONSE_STATUS"},
    {"RULE"},
    {"SERVER_ADDR"},
    {"SERVER_NAME"},
    {"SERVER_PORT"},
    {"SESSION"},
    {"SESSIONID"},
    {"STATUS"},
    {"STATUS_LINE"},
    {"TIME"},
    {"TIME_DAY"},
    {"TIME_EPOCH"},
    {"TIME_HOUR"},
    {"TIME_MIN"},
    {"TIME_MON"},
    {"TIME_SEC"},
    {"TIME_WDAY"},
    {"TIME_YEAR"},
    {"TX"},
    {"UNIQUE_ID"},
    {"URLENCODED_ERROR"},
    {"USER"},
    {"USERID"},
    {"WEBAPPID"},
    {"WEBSERVER_ERROR_LOG"},
    {"XML"},
};

constexpr Name kOperators[] = {
    {"beginsWith"},
    {"contains"},
    {"containsWord"},
    {"detectPath"},
    {"detectSQLi"},
    {"detectShell"},
    {"detectXSS"},
    {"endsWith"},
    {"eq"},
    {"fuzzyHash"},
    {"ge"},
    {"geoLookup"},
    {"gsbLookup"},
    {"gt"},
    {"inspectFile"},
    {"ipMatch"},
    {"ipMatchF", "ipMatchFromFile"},
    {"ipMatchFromFile"},
    {"le"},
    {"lt"},
    {"noMatch"},
    {"pm"},
    {"pmf", "pmFromFile"},
    {"pmFromFile"},
    {"rbl"},
    {"rsub"},
    {"rx"},
    {"rxGlobal"},
    {"streq"},
    {"strmatch"},
    {"unconditionalMatch"},
    {"validateByteRange"},
    {"validateDTD"},
    {"validateHash"},
    {"validateSchema"},
    {"validateUrlEncoding"},
    {"validateUtf8Encoding"},
    {"verifyCC"},
    {"verifyCPF"},
    {"verifySSN"},
    {"verifySVNR"},
    {"within"},
};

constexpr Name kActions[] = {
    {"accuracy"},
    {"allow"},
    {"append"},
    {"auditlog"},
    {"block"},
    {"capture"},
    {"chain"},
    {"ctl"},
    {"deny"},
    {"deprecatevar"},
    {"drop"},
    {"exec"},
    {"expirevar"},
    {"id"},
    {"initcol"},
    {"log"},
    {"logdata"},
    {"maturity"},
    {"msg"},
    {"multiMatch"},
    {"noauditlog"},
    {"nolog"},
    {"pass"},
    {"pause"},
    {"phase"},
    {"prepend"},
    {"proxy"},
    {"redirect"},
    {"rev"},
    {"sanitiseArg"},
    {"sanitiseMatched"},
    {"sanitiseMatchedBytes"},
    {"sanitiseRequestHeader"},
    {"sanitiseResponseHeader"},
    {"setenv"},
    {"setrsc"},
    {"setsid"},
    {"setuid"},
    {"setvar"},
    {"severity"},
    {"skip"},
    {"skipAfter"},
    {"status"},
    {"t"},
    {"tag"},
    {"ver"},
    {"xmlns"},
};

constexpr Name kTransformations[] = {
    {"base64Decode"},
    {"base64DecodeExt"},
    {"base64Encode"},
    {"cmdLine"},
    {"compressWhitespace"},
    {"cssDecode"},
    {"escapeSeqDecode"},
    {"hexDecode"},
    {"hexEncode"},
    {"htmlEntityDecode"},
    {"jsDecode"},
    {"length"},
    {"lowercase"},
    {"md5"},
    {"none"},
    {"normalisePath"},
    {"normalisePathWin"},
    {"normalizePath"},
    {"normalizePathWin"},
    {"parityEven7bit"},
    {"parityOdd7bit"},
    {"parityZero7bit"},
    {"removeComments"},
    {"removeCommentsChar"},
    {"removeNulls"},
    {"removeWhitespace"},
    {"replaceComments"},
    {"replaceNulls"},
    {"sha1"},
    {"sqlHexDecode"},
    {"trim"},
    {"trimLeft"},
    {"trimRight"},
    {"uppercase"},
    {"urlDecode"},
    {"urlDecodeUni"},
    {"urlEncode"},
    {"utf8toUnicode"},
};

std::span<const Name> table(NameKind kind) {
  switch (kind) {
    case NameKind::directive:
      return kDirectives;
    case NameKind::variable:
      return kVariables;
    case NameKind::op:
      return kOperators;
    case NameKind::action:
      return kActions;
    case NameKind::transformation:
      return kTransformations;
  }
  return {};
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool same_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// Levenshtein distance ignoring case, capped: names are short.
std::size_t distance(std::string_view a, std::string_view b) {
  if (a.size() > 64 || b.size() > 64) return 99;
  std::array<std::size_t, 65> row{};
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = above;
    }
  }
  return row[b.size()];
}

bool listed(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

std::string_view canonical_name(NameKind kind, std::string_view name) {
  for (const Name& entry : table(kind)) {
    if (same_ignoring_case(entry.spelling, name)) {
      return entry.target.empty() ? entry.spelling : entry.target;
    }
  }
  return {};
}

std::string_view closest_name(NameKind kind, std::string_view name) {
  std::string_view best;
  std::size_t best_distance = name.size() <= 4 ? 1 : 2;  // a typo, not another word
  for (const Name& entry : table(kind)) {
    // The length difference alone rules most names out, cheaply.
    const std::size_t longer = std::max(entry.spelling.size(), name.size());
    if (longer - std::min(entry.spelling.size(), name.size()) > best_distance) continue;
    const std::size_t d = distance(entry.spelling, name);
    if (d <= best_distance && (best.empty() || d < best_distance)) {
      best = entry.spelling;
      best_distance = d;
    }
  }
  return best;
}

bool operator_without_argument(std::string_view canonical) {
  return listed(canonical,
                {"detectPath", "detectSQLi", "detectShell", "detectXSS", "geoLookup", "noMatch",
                 "unconditionalMatch", "validateUrlEncoding", "validateUtf8Encoding"});
}

bool action_needs_value(std::string_view canonical) {
  return listed(canonical,
                {"accuracy", "append",  "ctl",      "deprecatevar", "exec",   "expirevar",
                 "id",       "initcol", "logdata",  "maturity",     "msg",    "phase",
                 "prepend",  "proxy",   "redirect", "rev",          "setenv", "setrsc",
                 "setsid",   "setuid",  "setvar",   "severity",     "skip",   "skipAfter",
                 "status",   "t",       "tag",      "ver",          "xmlns"});
}

bool action_only_on_chain_start(std::string_view canonical) {
  return listed(canonical, {"allow", "deny", "drop", "pass", "proxy", "redirect"});
}

std::string_view kind_word(NameKind kind) {
  switch (kind) {
    case NameKind::directive:
      return "directive";
    case NameKind::variable:
      return "variable";
    case NameKind::op:
      return "operator";
    case NameKind::action:
      return "action";
    case NameKind::transformation:
      return "transformation";
  }
  return "name";
}

}  // namespace centinela::seclang::detail

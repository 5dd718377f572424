#include "redis/reply_reader.h"

#include <hiredis/read.h>

#include <memory>
#include <utility>

namespace centinela::redis {
namespace {

// hiredis hands every task the reader's privdata: our running byte count for
// the reply being built, so one reply cannot exceed kMaxReplyTotalBytes even
// when each of its parts is small.
bool charge(const redisReadTask* task, std::size_t bytes) {
  auto* used = static_cast<std::size_t*>(task->privdata);
  if (used == nullptr) return true;
  if (bytes > kMaxReplyTotalBytes - std::min(*used, kMaxReplyTotalBytes)) return false;
  *used += bytes;
  return true;
}

// Where the object for `task` lives: a new root, or its slot in the parent
// array (sized when the array was created, so the slot address is stable).
Reply* place(const redisReadTask* task) {
  if (task->parent != nullptr) {
    auto* parent = static_cast<Reply*>(task->parent->obj);
    return &parent->elements[static_cast<std::size_t>(task->idx)];
  }
  return new Reply;
}

void* create_string(const redisReadTask* task, char* text, std::size_t length) {
  if (length > kMaxReplyStringBytes || !charge(task, sizeof(Reply) + length)) return nullptr;
  Reply* reply = place(task);
  switch (task->type) {
    case REDIS_REPLY_ERROR:
      reply->type = Reply::Type::error;
      break;
    case REDIS_REPLY_STATUS:
      reply->type = Reply::Type::status;
      break;
    default:
      reply->type = Reply::Type::string;
      break;
  }
  reply->str.assign(text, length);
  return reply;
}

void* create_array(const redisReadTask* task, int elements) {
  if (elements < 0 || static_cast<std::size_t>(elements) > kMaxReplyElements ||
      !charge(task, sizeof(Reply) * (1 + static_cast<std::size_t>(elements)))) {
    return nullptr;
  }
  Reply* reply = place(task);
  reply->type = Reply::Type::array;
  reply->elements.resize(static_cast<std::size_t>(elements));
  return reply;
}

void* create_integer(const redisReadTask* task, long long value) {
  if (!charge(task, sizeof(Reply))) return nullptr;
  Reply* reply = place(task);
  reply->type = Reply::Type::integer;
  reply->integer = value;
  return reply;
}

void* create_nil(const redisReadTask* task) {
  if (!charge(task, sizeof(Reply))) return nullptr;
  Reply* reply = place(task);
  reply->type = Reply::Type::nil;
  return reply;
}

// hiredis frees only roots (a finished reply we did not take, or a partial
// one when the stream breaks); children live inside their root.
void free_object(void* object) { delete static_cast<Reply*>(object); }

redisReplyObjectFunctions kReplyFunctions = {create_string, create_array, create_integer,
                                             create_nil, free_object};

}  // namespace

ReplyReader::ReplyReader() : reader_(redisReaderCreateWithFunctions(&kReplyFunctions)) {
  if (reader_ != nullptr) reader_->privdata = &reply_bytes_;
}

ReplyReader::~ReplyReader() {
  if (reader_ != nullptr) redisReaderFree(reader_);
}

ReplyReader::Status ReplyReader::feed(std::string_view bytes) {
  if (reader_ == nullptr || reader_->err != 0) return Status::broken;
  if (redisReaderFeed(reader_, bytes.data(), bytes.size()) != REDIS_OK) return Status::broken;
  return Status::need_more;
}

ReplyReader::Status ReplyReader::next(Reply& out) {
  if (reader_ == nullptr || reader_->err != 0) return Status::broken;
  void* object = nullptr;
  if (redisReaderGetReply(reader_, &object) != REDIS_OK) return Status::broken;
  if (object == nullptr) {
    // Everything complete has been taken, so what stays buffered is one
    // unfinished item, typically a bulk string on its way. Refuse it once it
    // is longer than any string we would accept: hiredis would buffer it all.
    if (reader_->len - reader_->pos > kMaxReplyStringBytes + 64) {
      reader_->err = REDIS_ERR_PROTOCOL;
      return Status::broken;
    }
    return Status::need_more;
  }
  std::unique_ptr<Reply> reply(static_cast<Reply*>(object));
  reply_bytes_ = 0;
  out = std::move(*reply);
  return Status::reply;
}

std::string_view ReplyReader::error() const {
  if (reader_ == nullptr) return "out of memory";
  if (reader_->err == 0) return {};
  // Our object functions refuse oversized parts; hiredis reports that as OOM.
  if (reader_->err == REDIS_ERR_OOM || reader_->errstr[0] == '\0') {
    return "reply over the size limits";
  }
  return reader_->errstr;
}

}  // namespace centinela::redis

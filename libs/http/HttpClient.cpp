#include "http/HttpClient.h"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>

namespace oxd::http {

namespace {

using Clock = std::chrono::steady_clock;

// One TLS client context for the process: the system CA store, peers verified, a certificate
// that does not verify rejected (never a prompt).
Poco::Net::Context::Ptr ClientContext() {
  static std::once_flag once;
  static Poco::Net::Context::Ptr context;
  std::call_once(once, [] {
    Poco::Net::initializeSSL();
    context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "",
                                     Poco::Net::Context::VERIFY_RELAXED, 9, true,
                                     "ALL:!ADH:!LOW:!EXP:!MD5:@STRENGTH");
    Poco::SharedPtr<Poco::Net::InvalidCertificateHandler> reject =
        new Poco::Net::RejectCertificateHandler(false);
    Poco::Net::SSLManager::instance().initializeClient(nullptr, reject, context);
  });
  return context;
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

Poco::Timespan Remaining(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now());
  return Poco::Timespan(std::max<std::int64_t>(left.count(), 1000));
}

}  // namespace

std::optional<std::string> HttpResponse::header(const std::string& lower_case_name) const {
  auto found = headers.find(lower_case_name);
  if (found == headers.end()) return std::nullopt;
  return found->second;
}

std::string HttpResponse::describe() const {
  if (!answered()) return error;
  return std::to_string(status) + " " +
         Poco::Net::HTTPResponse::getReasonForStatus(
             static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
}

bool IsRetryable(const HttpResponse& response) {
  if (!response.answered()) return true;
  return response.status == 429 || response.status == 502 || response.status == 503 ||
         response.status == 504;
}

void HttpClient::abort() {
  std::lock_guard lock(mutex_);
  if (active_) active_->abort();
}

void HttpClient::capDeadlines(Clock::time_point latest) {
  std::lock_guard lock(mutex_);
  cap_ = latest;
}

HttpResponse HttpClient::send(const HttpRequest& request) {
  HttpResponse response;
  Clock::time_point deadline = Clock::now() + request.deadline;
  {
    std::lock_guard lock(mutex_);
    if (cap_) deadline = std::min(deadline, *cap_);
  }
  if (deadline <= Clock::now()) {
    response.error = "no time left to send (stopping)";
    return response;
  }
  std::unique_ptr<Poco::Net::HTTPClientSession> session;
  try {
    Poco::URI uri(request.url);
    if (uri.getScheme() == "https") {
      session = std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(),
                                                                ClientContext());
    } else if (uri.getScheme() == "http") {
      session = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
    } else {
      response.error = "unsupported URL scheme '" + uri.getScheme() + "' (http or https)";
      return response;
    }
    session->setKeepAlive(false);
    Poco::Timespan left = Remaining(deadline);
    session->setTimeout(left, left, left);
    {
      std::lock_guard lock(mutex_);
      active_ = session.get();
    }
    std::string target = uri.getPathEtc().empty() ? "/" : uri.getPathEtc();
    Poco::Net::HTTPRequest outgoing(request.method, target, Poco::Net::HTTPMessage::HTTP_1_1);
    if (request.method != "GET" || !request.body.empty()) {
      outgoing.setContentType(request.content_type);
      outgoing.setContentLength(static_cast<std::streamsize>(request.body.size()));
    }
    for (const auto& [name, value] : request.headers) outgoing.set(name, value);
    std::ostream& body = session->sendRequest(outgoing);
    body.write(request.body.data(), static_cast<std::streamsize>(request.body.size()));
    body.flush();
    Poco::Net::HTTPResponse incoming;
    session->socket().setReceiveTimeout(Remaining(deadline));
    std::istream& answer = session->receiveResponse(incoming);
    response.status = static_cast<int>(incoming.getStatus());
    for (const auto& [name, value] : incoming) response.headers[Lower(name)] = value;
    char buffer[8192];
    // A server that drips its answer still ends by the deadline; a body beyond the request's
    // max_body_bytes (1 MiB by default) is not read.
    while (answer && response.body.size() < request.max_body_bytes) {
      if (Clock::now() >= deadline) throw Poco::TimeoutException("reading the answer");
      session->socket().setReceiveTimeout(Remaining(deadline));
      answer.read(buffer, sizeof buffer);
      response.body.append(buffer, static_cast<std::size_t>(answer.gcount()));
    }
  } catch (const Poco::Exception& failure) {
    response.status = 0;
    response.headers.clear();
    response.body.clear();
    response.error = failure.displayText();
  } catch (const std::exception& failure) {
    response.status = 0;
    response.error = failure.what();
  }
  {
    std::lock_guard lock(mutex_);
    active_ = nullptr;
  }
  if (response.error.empty() && response.status == 0) response.error = "no answer";
  return response;
}

}  // namespace oxd::http

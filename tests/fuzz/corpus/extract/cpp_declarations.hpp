/// \file declarations.hpp
/// Doxygen line comments merge into one doc comment.
#pragma once
#include <string>
#include <vector>

#define WIDGET_VERSION 3
#define WIDGET_MAX(a, b) ((a) > (b) ? (a) : (b))

namespace ui {
namespace detail {
constexpr int kPadding = 4;
}  // namespace detail

/**
 * A widget on the screen.
 *
 * @note Not thread-safe.
 */
class Widget : public Base<int> {
 public:
  Widget();
  explicit Widget(int width);
  ~Widget();
  virtual void Draw(Canvas& canvas) const = 0;
  int Width() const { return width_; }
  bool operator==(const Widget& other) const;
  operator bool() const { return width_ > 0; }
  static constexpr int kDefaultWidth = 80;

 private:
  int width_{0};  // trailing comment stands alone
  std::vector<int> cells_;
};

struct Point {
  double x, y;
};

enum class Color : unsigned char { kRed, kGreen = 2, kBlue };

enum Flags { FLAG_NONE = 0, FLAG_BOLD = 1 << 0 };

union Value {
  int i;
  float f;
};

template <typename T, typename = void>
struct Traits {
  using value_type = T;
};

template <>
struct Traits<Point> {};

using Callback = void (*)(int);
typedef std::vector<Point> Polyline;

template <class T>
concept Drawable = requires(T t) { t.Draw(); };

int Area(const Point& a, const Point& b);
static inline int Clamp(int value, int low, int high) {
  return value < low ? low : value > high ? high : value;
}

void Widget::Resize(int width) {
  width_ = width;
}

Widget::~Widget() {}

std::string Describe(const Widget& widget) noexcept(false) {
  return "widget";
}

auto MakeHandler() -> std::function<void(int)> {
  return [](int) {};
}

const char* const kNames[] = {"a", "b"};
static const std::string kTitle = "Title";

}  // namespace ui

extern "C" {
int c_entry(void);
}

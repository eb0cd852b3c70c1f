// Patterns from real headers (Boost, Qt, LLVM) that trip simple scanners.
#ifndef REAL_WORLD_HPP
#define REAL_WORLD_HPP

BOOST_PRAGMA_MESSAGE("a macro call without a semicolon")

LIBRARY_OPEN_NAMESPACE
namespace detail {

class Buffer : private NonCopyable {
  Q_OBJECT
 public:
  Buffer(Allocator& allocator, std::size_t size)
      : allocator_{allocator}, size_{size}, data_(nullptr) {
    data_ = allocator_.Allocate(size_);
  }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(Buffer&& other) noexcept {
    return *this;
  }
  template <class F>
  auto operator()(F&& f) const -> decltype(f(0)) {
    return f(0);
  }
  static T (max)(T a, T b) { return a < b ? b : a; }

 protected:
  enum class State { kEmpty, kFull };
  struct Slot {
    int value;
  };

 private slots:
  void OnReady();

 private:
  Allocator& allocator_;
  std::size_t size_;
  char* data_;
};

#ifdef HAVE_POSIX
int OpenFile(const char* path) {
#else
int OpenFile(const wchar_t* path) {
#endif
  return 0;
}

#if defined(USE_NEW_API)
void NewApi();
#else
void OldApi();
#endif

template <typename T>
typename Traits<T>::type Container<T>::Front() const {
  return items_.front();
}

const class : public Category {
 public:
  const char* Name() const noexcept { return "category"; }
} kCategory;

}  // namespace detail
LIBRARY_CLOSE_NAMESPACE

extern template class std::vector<int>;

API_EXPORT(default) int Exported(int value) { return value; }
DECLARE_HANDLER(Click) {
  return 0;
}

#endif  // REAL_WORLD_HPP

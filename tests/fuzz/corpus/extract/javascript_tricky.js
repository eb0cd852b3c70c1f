// A UMD wrapper: the library is read inside the factory function.
(function (root, factory) {
  root.lib = factory();
}(this, function () {
  const nested = `outer ${`inner ${"}"} \` still inner`} // not a comment`;
  const divided = 10 / 2 / 1; // a comment after division
  const regex = /\/\*[^*]*\*\//; /* a real block comment */
  const klass = class Hidden {};

  function exported(a, b) {
    return a / b;
  }

  const api = {
    method() {},
    other: function () {},
  }

  let mutable = 1
  var legacy = 2
  const FINAL = 3

  class Widget {
    render() {
      return `<div class="${this.name}">{braces}</div>`;
    }
    static
    create() {}
  }

  return { exported, Widget };
}));

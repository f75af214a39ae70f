/* Russian texts for the bundled Select2 4.0.13; loaded before FAB's ab.js initialises the selects. */
(function ($) {
  if (!$ || !$.fn.select2) { return; }
  $.fn.select2.defaults.set("language", {
    errorLoading: function () { return "Не удалось загрузить результаты"; },
    inputTooLong: function (args) { return "Удалите " + (args.input.length - args.maximum) + " симв."; },
    inputTooShort: function (args) { return "Введите ещё " + (args.minimum - args.input.length) + " симв."; },
    loadingMore: function () { return "Загрузка…"; },
    maximumSelected: function (args) { return "Можно выбрать не более " + args.maximum; },
    noResults: function () { return "Ничего не найдено"; },
    searching: function () { return "Поиск…"; },
    removeAllItems: function () { return "Очистить"; }
  });
}(window.jQuery));

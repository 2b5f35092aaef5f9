"""Original Vietnamese demo content (fictional tỉnh An Hòa) used to seed the portal."""

CATEGORIES: list[dict] = [
    {
        "name": "Tin tức - Sự kiện",
        "slug": "tin-tuc-su-kien",
        "description": (
            "Tin tức, sự kiện nổi bật về hoạt động chỉ đạo, điều hành và đời sống chính trị - xã "
            "hội của tỉnh An Hòa."
        ),
        "parent": None,
        "order": 1,
    },
    {
        "name": "Hoạt động cơ sở",
        "slug": "hoat-dong-co-so",
        "description": (
            "Tin bài về hoạt động của các xã, phường, thị trấn, các mô hình hay và gương điển "
            "hình ở cơ sở."
        ),
        "parent": "tin-tuc-su-kien",
        "order": 2,
    },
    {
        "name": "Chuyển đổi số",
        "slug": "chuyen-doi-so",
        "description": (
            "Thông tin về xây dựng chính quyền số, kinh tế số, xã hội số và ứng dụng công nghệ "
            "thông tin trên địa bàn tỉnh."
        ),
        "parent": None,
        "order": 3,
    },
    {
        "name": "Cải cách hành chính",
        "slug": "cai-cach-hanh-chinh",
        "description": (
            "Kết quả cải cách thủ tục hành chính, dịch vụ công trực tuyến, bồi dưỡng cán bộ và "
            "nâng cao chất lượng phục vụ."
        ),
        "parent": None,
        "order": 4,
    },
    {
        "name": "Văn hóa - Xã hội",
        "slug": "van-hoa-xa-hoi",
        "description": (
            "Hoạt động văn hóa, lễ hội, du lịch, thể thao và các phong trào xây dựng đời sống "
            "văn hóa ở khu dân cư."
        ),
        "parent": None,
        "order": 5,
    },
    {
        "name": "Giáo dục - Y tế",
        "slug": "giao-duc-y-te",
        "description": (
            "Tin tức về giáo dục, đào tạo, chăm sóc sức khỏe nhân dân và phòng, chống dịch bệnh."
        ),
        "parent": "van-hoa-xa-hoi",
        "order": 6,
    },
    {
        "name": "Nông nghiệp - Môi trường",
        "slug": "nong-nghiep-moi-truong",
        "description": (
            "Sản xuất nông nghiệp, xây dựng nông thôn mới, sản phẩm OCOP, bảo vệ môi trường và "
            "thích ứng với biến đổi khí hậu."
        ),
        "parent": None,
        "order": 7,
    },
]

ARTICLES: list[dict] = [
    {
        "title": "An Hòa chính thức vận hành Trung tâm Giám sát, điều hành đô thị thông minh",
        "category": "chuyen-doi-so",
        "extra_categories": [],
        "lead": (
            "Sáng nay, UBND tỉnh An Hòa tổ chức lễ đưa Trung tâm Giám sát, điều hành đô thị "
            "thông minh (IOC) vào vận hành chính thức, đánh dấu bước tiến quan trọng trong lộ "
            "trình xây dựng chính quyền số của tỉnh."
        ),
        "body": (
            "<p>Trung tâm IOC được đặt tại trụ sở Sở Thông tin và Truyền thông, kết nối dữ liệu "
            "từ hệ thống camera giám sát giao thông, Cổng Dịch vụ công, hệ thống phản ánh hiện "
            "trường và nhiều cơ sở dữ liệu chuyên ngành. Qua màn hình điều hành, lãnh đạo tỉnh "
            "có thể theo dõi tình hình kinh tế - xã hội gần như theo thời gian thực.</p>\n"
            "<h2>Tám phân hệ đi vào hoạt động</h2>\n"
            "<p>Trong giai đoạn đầu, trung tâm vận hành tám phân hệ gồm: giám sát an ninh trật "
            "tự, giao thông, chất lượng môi trường, y tế, giáo dục, dịch vụ công trực tuyến, "
            "phản ánh kiến nghị của người dân và an toàn thông tin mạng. Dữ liệu được tổng hợp, "
            "phân tích tự động và phát cảnh báo khi có chỉ số bất thường.</p>\n"
            "<figure>{image}<figcaption>Cán bộ kỹ thuật theo dõi dữ liệu tại Trung tâm Giám sát, "
            "điều hành đô thị thông minh tỉnh An Hòa.</figcaption></figure>\n"
            "<p>Phát biểu tại buổi lễ, ông Trịnh Quốc Bảo, Phó Chủ tịch UBND tỉnh, đề nghị các "
            "sở, ngành, địa phương chủ động chia sẻ dữ liệu, bảo đảm thông tin đầy đủ, chính xác "
            "và được cập nhật thường xuyên. “Trung tâm chỉ thật sự phát huy hiệu quả khi dữ liệu "
            "đúng, đủ, sạch và sống”, ông nhấn mạnh.</p>\n"
            "<h3>Người dân cùng tham gia giám sát</h3>\n"
            "<p>Người dân có thể gửi phản ánh về hạ tầng, môi trường, trật tự đô thị qua ứng "
            "dụng An Hòa số hoặc tại <a "
            'href="https://example.gov.vn/phan-anh-hien-truong">trang phản ánh hiện '
            "trường</a>. Mỗi phản ánh được chuyển ngay đến cơ quan có thẩm quyền, thời hạn xử lý "
            "và kết quả đều được công khai để người dân theo dõi.</p>"
        ),
        "image_caption": "Toàn cảnh phòng điều hành của Trung tâm IOC tỉnh An Hòa.",
        "image_position": "beside",
        "author": "Minh Châu - Trung tâm Truyền thông",
        "source": "Sở Thông tin và Truyền thông",
        "tags": ["chuyển đổi số", "đô thị thông minh", "chính quyền số"],
        "days_ago": 1,
        "hour": 9,
        "minute": 15,
        "featured": True,
        "image_color": "#2e6da4",
        "status": "published",
    },
    {
        "title": "100% cơ quan nhà nước tỉnh An Hòa gửi, nhận văn bản điện tử có ký số",
        "category": "chuyen-doi-so",
        "extra_categories": [],
        "lead": (
            "Sau hai năm triển khai, toàn bộ các sở, ngành, UBND cấp huyện và cấp xã trên địa "
            "bàn tỉnh đã gửi, nhận văn bản điện tử có chữ ký số qua hệ thống quản lý văn bản và "
            "điều hành dùng chung."
        ),
        "body": (
            "<p>Theo báo cáo của Sở Thông tin và Truyền thông, từ đầu năm đến nay, hệ thống quản "
            "lý văn bản và điều hành của tỉnh đã luân chuyển hơn 1,2 triệu văn bản điện tử. Tỷ "
            "lệ văn bản đi được ký số đạt trên 98%, trừ các văn bản có nội dung mật theo quy "
            "định.</p>\n"
            "<h2>Tiết kiệm thời gian và chi phí</h2>\n"
            "<p>Việc chuyển từ văn bản giấy sang văn bản điện tử giúp rút ngắn đáng kể thời gian "
            "luân chuyển giữa các cơ quan. Nếu trước đây một công văn từ tỉnh về đến cấp xã mất "
            "từ hai đến ba ngày thì nay chỉ trong vài phút. Ước tính mỗi năm, các cơ quan tiết "
            "kiệm hàng tỷ đồng chi phí in ấn, phô tô và gửi bưu chính.</p>\n"
            "<p>Hiện nay, 100% cán bộ, công chức cấp xã đã được cấp chứng thư số cá nhân. Các "
            "cuộc họp của UBND tỉnh cũng được tổ chức theo hình thức không giấy tờ, tài liệu "
            "được gửi trước qua hệ thống để đại biểu nghiên cứu.</p>\n"
            "<h3>Nhiệm vụ trong thời gian tới</h3>\n"
            "<p>Sở Thông tin và Truyền thông sẽ tiếp tục nâng cấp hệ thống, tích hợp trợ lý ảo "
            "hỗ trợ tra cứu văn bản, đồng thời tăng cường kiểm tra việc bảo đảm an toàn thông "
            "tin đối với chứng thư số. Các cơ quan được yêu cầu không in văn bản điện tử để "
            "trình ký lại, tránh lãng phí và làm chậm quá trình xử lý công việc.</p>"
        ),
        "image_caption": (
            "Công chức xử lý văn bản điện tử trên hệ thống quản lý văn bản và điều hành."
        ),
        "image_position": "beside",
        "author": "Thanh Tùng",
        "source": "Sở Thông tin và Truyền thông",
        "tags": ["văn bản điện tử", "chữ ký số", "chuyển đổi số"],
        "days_ago": 9,
        "hour": 14,
        "minute": 40,
        "featured": False,
        "image_color": "#1f7a8c",
        "status": "published",
    },
    {
        "title": (
            "Phát động thanh toán không dùng tiền mặt tại các chợ truyền thống trên địa bàn tỉnh"
        ),
        "category": "chuyen-doi-so",
        "extra_categories": [],
        "lead": (
            "Chương trình “Chợ 4.0” được phát động tại chợ Trung tâm thành phố An Hòa, hướng tới "
            "mục tiêu đến cuối năm có ít nhất 60% tiểu thương chấp nhận thanh toán bằng mã QR."
        ),
        "body": (
            "<p>Chương trình do Sở Thông tin và Truyền thông phối hợp với Chi nhánh Ngân hàng "
            "Nhà nước khu vực và các doanh nghiệp viễn thông tổ chức. Ngay trong ngày phát động, "
            "các ngân hàng thương mại đã hỗ trợ hơn 350 tiểu thương mở tài khoản, in mã QR và "
            "hướng dẫn cách kiểm tra giao dịch trên điện thoại.</p>\n"
            "<figure>{image}<figcaption>Tiểu thương chợ Trung tâm thành phố An Hòa được hướng "
            "dẫn nhận tiền qua mã QR.</figcaption></figure>\n"
            "<h2>Thuận tiện cho cả người bán và người mua</h2>\n"
            "<p>Bà Nguyễn Thị Lài, tiểu thương bán rau củ tại chợ, cho biết: “Trước đây tôi hay "
            "phải đổi tiền lẻ, có lúc nhận nhầm tiền. Bây giờ khách quét mã là tiền vào tài "
            "khoản ngay, tôi thấy yên tâm hơn nhiều”. Nhiều khách hàng trẻ cũng đánh giá cao sự "
            "tiện lợi khi đi chợ không cần mang theo tiền mặt.</p>\n"
            "<p>Bên cạnh việc thanh toán, các tổ công nghệ số cộng đồng sẽ tiếp tục có mặt tại "
            "chợ vào các buổi sáng cuối tuần để hướng dẫn người dân cài đặt ứng dụng ngân hàng, "
            "nhận diện các thủ đoạn lừa đảo qua mạng và cách bảo vệ thông tin cá nhân.</p>\n"
            "<p>Sau chợ Trung tâm, chương trình sẽ được nhân rộng tới 42 chợ hạng hai, hạng ba "
            "tại các huyện, thị xã trong năm nay.</p>"
        ),
        "image_caption": "Mã QR thanh toán được dán tại các quầy hàng trong chợ Trung tâm.",
        "image_position": "under",
        "author": "Hoài Thương - Báo An Hòa",
        "source": "Báo An Hòa",
        "tags": ["thanh toán không dùng tiền mặt", "chợ 4.0", "kinh tế số"],
        "days_ago": 24,
        "hour": 8,
        "minute": 5,
        "featured": False,
        "image_color": "#d9822b",
        "status": "published",
    },
    {
        "title": "Tập huấn kỹ năng số cho hơn 800 thành viên tổ công nghệ số cộng đồng",
        "category": "chuyen-doi-so",
        "extra_categories": ["hoat-dong-co-so"],
        "lead": (
            "Trong hai tuần, Sở Thông tin và Truyền thông phối hợp với UBND các huyện mở 12 lớp "
            "tập huấn, trang bị kiến thức và kỹ năng để thành viên tổ công nghệ số cộng đồng "
            "hướng dẫn người dân sử dụng các nền tảng số."
        ),
        "body": (
            "<p>Học viên là cán bộ thôn, khu phố, đoàn viên thanh niên, hội viên phụ nữ và giáo "
            "viên đang tham gia tổ công nghệ số cộng đồng tại 128 xã, phường, thị trấn. Các lớp "
            "học được tổ chức ngay tại hội trường UBND xã để thuận tiện cho việc đi lại.</p>\n"
            "<h2>Nội dung thiết thực, dễ áp dụng</h2>\n"
            "<p>Chương trình tập huấn tập trung vào những kỹ năng mà người dân cần nhất, "
            "gồm:</p>\n"
            "<ul><li>Cài đặt, kích hoạt và sử dụng tài khoản định danh điện tử;</li><li>Nộp hồ "
            "sơ, thanh toán phí, lệ phí trên Cổng Dịch vụ công;</li><li>Mua bán trên các sàn "
            "thương mại điện tử và thanh toán trực tuyến an toàn;</li><li>Nhận biết, phòng tránh "
            "các hình thức lừa đảo trên không gian mạng.</li></ul>\n"
            "<p>Sau mỗi buổi lý thuyết, học viên được thực hành trực tiếp trên điện thoại của "
            "mình, đóng vai người hướng dẫn và người dân để làm quen với những tình huống thường "
            "gặp.</p>\n"
            "<p>Anh Lê Văn Phúc, tổ trưởng tổ công nghệ số cộng đồng thôn Đông Yên, xã An Lạc, "
            "chia sẻ: “Nhiều bà con lớn tuổi trong thôn còn ngại dùng điện thoại thông minh. Sau "
            "lớp học này, tôi tự tin hơn để đến từng nhà hướng dẫn bà con làm thủ tục trực "
            "tuyến”.</p>"
        ),
        "image_caption": (
            "Học viên thực hành nộp hồ sơ trực tuyến trên điện thoại tại lớp tập huấn."
        ),
        "image_position": "beside",
        "author": "Bảo Ngọc",
        "source": "Sở Thông tin và Truyền thông",
        "tags": ["kỹ năng số", "tổ công nghệ số cộng đồng", "tập huấn"],
        "days_ago": 40,
        "hour": 16,
        "minute": 20,
        "featured": False,
        "image_color": "#5b8c3a",
        "status": "published",
    },
    {
        "title": "Tỉnh An Hòa hưởng ứng Ngày Chuyển đổi số quốc gia với nhiều hoạt động thiết thực",
        "category": "chuyen-doi-so",
        "extra_categories": ["tin-tuc-su-kien"],
        "lead": (
            "Chuỗi hoạt động hưởng ứng Ngày Chuyển đổi số quốc gia 10/10 diễn ra trong suốt một "
            "tuần, từ triển lãm sản phẩm công nghệ đến hội thảo chuyên đề và ngày hội dịch vụ "
            "công trực tuyến tại cơ sở."
        ),
        "body": (
            "<p>Điểm nhấn của chuỗi sự kiện là Triển lãm “An Hòa số” tại Quảng trường Trung tâm, "
            "với hơn 40 gian hàng giới thiệu các giải pháp về chính quyền số, y tế số, giáo dục "
            "số, nông nghiệp thông minh và du lịch thông minh. Khách tham quan được trải nghiệm "
            "trực tiếp các ứng dụng như đặt lịch khám bệnh, tra cứu điểm thi, truy xuất nguồn "
            "gốc nông sản.</p>\n"
            "<h2>Hội thảo “Dữ liệu số - động lực phát triển”</h2>\n"
            "<p>Tại hội thảo, các chuyên gia trao đổi về việc xây dựng kho dữ liệu dùng chung "
            "của tỉnh, chia sẻ kinh nghiệm khai thác dữ liệu mở để phục vụ người dân và doanh "
            "nghiệp. Nhiều ý kiến cho rằng, dữ liệu phải được coi là tài sản, cần được chuẩn hóa "
            "và cập nhật thường xuyên.</p>\n"
            "<blockquote><p>Chuyển đổi số không phải việc riêng của ngành thông tin và truyền "
            "thông, mà là nhiệm vụ của cả hệ thống chính trị và của mỗi người "
            "dân.</p></blockquote>\n"
            "<h3>Ngày hội dịch vụ công tại cơ sở</h3>\n"
            "<p>Cùng thời gian này, đoàn viên, thanh niên tại các xã, phường tổ chức ngày hội hỗ "
            "trợ người dân cài đặt ứng dụng định danh điện tử, nộp hồ sơ trực tuyến và mở tài "
            "khoản thanh toán. Qua một tuần, gần 9.000 lượt người dân đã được hướng dẫn trực "
            "tiếp.</p>"
        ),
        "image_caption": "Khách tham quan trải nghiệm ứng dụng tại Triển lãm “An Hòa số”.",
        "image_position": "beside",
        "author": "Minh Châu - Trung tâm Truyền thông",
        "source": "",
        "tags": ["Ngày Chuyển đổi số quốc gia", "triển lãm", "dữ liệu số"],
        "days_ago": 74,
        "hour": 19,
        "minute": 10,
        "featured": False,
        "image_color": "#6a4c93",
        "status": "published",
    },
    {
        "title": "Công bố Chỉ số cải cách hành chính năm qua của các sở, ngành và UBND cấp huyện",
        "category": "cai-cach-hanh-chinh",
        "extra_categories": [],
        "lead": (
            "Sở Nội vụ vừa công bố kết quả xác định Chỉ số cải cách hành chính của 19 sở, ban, "
            "ngành và 9 huyện, thị xã, thành phố; điểm trung bình toàn tỉnh tăng gần 3 điểm so "
            "với năm trước."
        ),
        "body": (
            "<p>Kết quả được xác định trên cơ sở tự chấm điểm của các cơ quan, thẩm định của Hội "
            "đồng và điều tra xã hội học đối với hơn 4.000 người dân, doanh nghiệp, cán bộ, công "
            "chức. Bộ tiêu chí gồm tám lĩnh vực: công tác chỉ đạo, điều hành; cải cách thể chế; "
            "thủ tục hành chính; tổ chức bộ máy; chế độ công vụ; tài chính công; chính quyền "
            "điện tử và tác động của cải cách.</p>\n"
            "<h2>Khối sở, ngành có nhiều chuyển biến</h2>\n"
            "<p>Ở khối sở, ngành, Sở Thông tin và Truyền thông, Sở Tư pháp và Sở Kế hoạch và Đầu "
            "tư dẫn đầu với điểm số trên 90. Ở khối huyện, thành phố An Hòa, thị xã Hòa Thắng và "
            "huyện Tân Phước xếp ba vị trí cao nhất. Đáng chú ý, không còn đơn vị nào có điểm "
            "dưới 75.</p>\n"
            "<p>Tuy vậy, kết quả cũng cho thấy một số hạn chế: tỷ lệ hồ sơ trực tuyến toàn trình "
            "ở một số lĩnh vực còn thấp, việc số hóa kết quả giải quyết thủ tục hành chính chưa "
            "đồng đều, một số hồ sơ còn trễ hạn do phối hợp liên ngành chưa chặt chẽ.</p>\n"
            "<h3>Yêu cầu khắc phục hạn chế</h3>\n"
            "<p>UBND tỉnh yêu cầu thủ trưởng các cơ quan, đơn vị phân tích kỹ từng tiêu chí bị "
            "trừ điểm, xây dựng kế hoạch khắc phục cụ thể, gắn trách nhiệm người đứng đầu với "
            "kết quả cải cách hành chính của đơn vị mình. Kết quả chi tiết được đăng tải tại <a "
            'href="https://example.gov.vn/chi-so-cai-cach-hanh-chinh">chuyên trang cải cách '
            "hành chính</a>.</p>"
        ),
        "image_caption": "Hội nghị công bố Chỉ số cải cách hành chính của tỉnh An Hòa.",
        "image_position": "beside",
        "author": "Quốc Huy - Đài Phát thanh và Truyền hình An Hòa",
        "source": "Sở Nội vụ",
        "tags": ["cải cách hành chính", "chỉ số PAR", "đánh giá"],
        "days_ago": 17,
        "hour": 10,
        "minute": 30,
        "featured": False,
        "image_color": "#8c2f39",
        "status": "published",
    },
    {
        "title": "Hồ sơ trực tuyến toàn trình tại Trung tâm Phục vụ hành chính công tỉnh vượt 70%",
        "category": "cai-cach-hanh-chinh",
        "extra_categories": [],
        "lead": (
            "Từ đầu năm đến nay, Trung tâm Phục vụ hành chính công tỉnh An Hòa đã tiếp nhận hơn "
            "86 nghìn hồ sơ, trong đó trên 70% được nộp và xử lý hoàn toàn qua môi trường mạng."
        ),
        "body": (
            "<p>So với cùng kỳ năm trước, số hồ sơ trực tuyến toàn trình tăng gần gấp đôi. Các "
            "lĩnh vực có tỷ lệ nộp trực tuyến cao gồm đăng ký doanh nghiệp, cấp phiếu lý lịch tư "
            "pháp, cấp giấy phép lái xe và cấp giấy phép xây dựng. Tỷ lệ hồ sơ giải quyết đúng "
            "hạn đạt 99,4%.</p>\n"
            "<figure>{image}<figcaption>Công chức Trung tâm Phục vụ hành chính công hướng dẫn "
            "người dân nộp hồ sơ trực tuyến.</figcaption></figure>\n"
            "<h2>Hỗ trợ tận tình, không để người dân phải đi lại nhiều lần</h2>\n"
            "<p>Tại trung tâm, một khu vực riêng được bố trí máy tính, máy quét và nhân viên "
            "hướng dẫn để người dân tự thực hiện nộp hồ sơ trực tuyến. Những trường hợp chưa "
            "thành thạo công nghệ được công chức hỗ trợ từng bước, từ đăng nhập tài khoản định "
            "danh điện tử đến thanh toán lệ phí.</p>\n"
            "<p>Ông Phạm Hữu Tín, một người dân ở thị xã Hòa Thắng, cho biết: “Tôi làm thủ tục "
            "cấp đổi giấy phép lái xe chỉ mất khoảng mười phút, sau đó nhận kết quả qua đường "
            "bưu điện. Thủ tục bây giờ nhanh và gọn hơn trước rất nhiều”.</p>\n"
            "<p>Trong thời gian tới, trung tâm sẽ tiếp tục rà soát, đề xuất đưa thêm các thủ tục "
            "hành chính đủ điều kiện lên cung cấp trực tuyến toàn trình, đồng thời đẩy mạnh số "
            "hóa hồ sơ, kết quả giải quyết để người dân không phải nộp lại giấy tờ đã có.</p>"
        ),
        "image_caption": (
            "Khu vực hướng dẫn nộp hồ sơ trực tuyến tại Trung tâm Phục vụ hành chính công tỉnh."
        ),
        "image_position": "beside",
        "author": "Thanh Tùng",
        "source": "Trung tâm Phục vụ hành chính công",
        "tags": ["dịch vụ công trực tuyến", "một cửa", "cải cách hành chính"],
        "days_ago": 5,
        "hour": 15,
        "minute": 45,
        "featured": False,
        "image_color": "#3d5a80",
        "status": "published",
    },
    {
        "title": "Liên thông đăng ký khai sinh, thường trú và cấp thẻ bảo hiểm y tế cho trẻ em",
        "category": "cai-cach-hanh-chinh",
        "extra_categories": ["chuyen-doi-so"],
        "lead": (
            "Cha mẹ chỉ cần nộp một bộ hồ sơ điện tử duy nhất để được giải quyết đồng thời ba "
            "thủ tục: đăng ký khai sinh, đăng ký thường trú và cấp thẻ bảo hiểm y tế cho trẻ "
            "dưới 6 tuổi."
        ),
        "body": (
            "<p>Đây là một trong hai nhóm thủ tục hành chính liên thông được tỉnh An Hòa ưu tiên "
            "triển khai nhằm giảm thời gian, chi phí đi lại cho người dân. Trước đây, để hoàn "
            "thành ba thủ tục này, cha mẹ phải đến ít nhất ba cơ quan khác nhau và chờ đợi từ 10 "
            "đến 15 ngày.</p>\n"
            "<h2>Thời gian giải quyết rút ngắn còn tối đa 5 ngày</h2>\n"
            "<p>Với quy trình liên thông, người dân có thể nộp hồ sơ trực tuyến trên Cổng Dịch "
            "vụ công hoặc tại bộ phận một cửa cấp xã. Dữ liệu được chuyển tự động giữa cơ quan "
            "tư pháp, công an và bảo hiểm xã hội. Kết quả được trả qua tài khoản định danh điện "
            "tử, giấy khai sinh bản giấy được gửi qua dịch vụ bưu chính công ích nếu người dân "
            "có yêu cầu.</p>\n"
            "<p>Để bảo đảm triển khai thông suốt, Sở Tư pháp đã phối hợp với Công an tỉnh và Bảo "
            "hiểm xã hội tỉnh tập huấn cho toàn bộ công chức tư pháp - hộ tịch cấp xã. Các xã "
            "cũng được yêu cầu niêm yết hướng dẫn chi tiết tại bộ phận một cửa và trên trang "
            "thông tin điện tử của xã.</p>\n"
            "<p>Chỉ sau một tháng triển khai, toàn tỉnh đã tiếp nhận hơn 1.600 hồ sơ liên thông, "
            "trong đó trên 95% được giải quyết trước hạn.</p>"
        ),
        "image_caption": (
            "Người dân làm thủ tục liên thông đăng ký khai sinh tại bộ phận một cửa cấp xã."
        ),
        "image_position": "under",
        "author": "Lan Anh",
        "source": "Sở Tư pháp",
        "tags": ["thủ tục liên thông", "khai sinh", "dịch vụ công"],
        "days_ago": 33,
        "hour": 11,
        "minute": 0,
        "featured": False,
        "image_color": "#e07a5f",
        "status": "published",
    },
    {
        "title": (
            "Lãnh đạo tỉnh đối thoại, tháo gỡ vướng mắc thủ tục đầu tư, đất đai cho doanh nghiệp"
        ),
        "category": "cai-cach-hanh-chinh",
        "extra_categories": [],
        "lead": (
            "Hội nghị đối thoại thu hút hơn 200 doanh nghiệp tham dự, với gần 40 ý kiến, kiến "
            "nghị tập trung vào thủ tục đầu tư, đất đai, xây dựng và tiếp cận nguồn vốn."
        ),
        "body": (
            "<p>Hội nghị do UBND tỉnh phối hợp với Hiệp hội Doanh nghiệp tỉnh tổ chức. Chủ trì "
            "hội nghị, ông Hồ Đức Thạnh, Chủ tịch UBND tỉnh, khẳng định tỉnh luôn lắng nghe và "
            "đồng hành cùng doanh nghiệp, coi sự hài lòng của doanh nghiệp là thước đo hiệu quả "
            "của bộ máy hành chính.</p>\n"
            "<h2>Nhiều kiến nghị được trả lời trực tiếp</h2>\n"
            "<p>Các ý kiến của doanh nghiệp tập trung vào thời gian thẩm định dự án còn kéo dài, "
            "thủ tục giao đất, cho thuê đất phức tạp, việc giải phóng mặt bằng chậm ở một số khu "
            "công nghiệp. Đại diện các sở, ngành đã trả lời trực tiếp từng kiến nghị, nêu rõ "
            "nguyên nhân và thời hạn giải quyết.</p>\n"
            "<blockquote><p>Việc gì thuộc thẩm quyền của tỉnh phải giải quyết dứt điểm, không để "
            "doanh nghiệp phải chờ đợi, đi lại nhiều lần. Việc gì vượt thẩm quyền phải kịp thời "
            "báo cáo, kiến nghị cấp trên.</p></blockquote>\n"
            "<h3>Giao nhiệm vụ cụ thể cho từng đơn vị</h3>\n"
            "<p>Kết luận hội nghị, Chủ tịch UBND tỉnh giao Sở Kế hoạch và Đầu tư tổng hợp toàn "
            "bộ kiến nghị, phân công cơ quan chủ trì xử lý và công khai tiến độ trên Cổng thông "
            "tin điện tử tỉnh. Các sở, ngành phải rà soát, cắt giảm ít nhất 20% thời gian giải "
            "quyết đối với các thủ tục liên quan đến đầu tư, đất đai trong năm nay.</p>"
        ),
        "image_caption": "Quang cảnh hội nghị đối thoại giữa lãnh đạo tỉnh và doanh nghiệp.",
        "image_position": "beside",
        "author": "Hoài Thương - Báo An Hòa",
        "source": "Báo An Hòa",
        "tags": ["đối thoại doanh nghiệp", "môi trường đầu tư", "thủ tục hành chính"],
        "days_ago": 57,
        "hour": 13,
        "minute": 50,
        "featured": False,
        "image_color": "#264653",
        "status": "published",
    },
    {
        "title": "Khai giảng lớp bồi dưỡng kỹ năng giao tiếp, ứng xử cho công chức bộ phận một cửa",
        "category": "cai-cach-hanh-chinh",
        "extra_categories": [],
        "lead": (
            "Lớp bồi dưỡng dành cho 120 công chức làm việc tại bộ phận một cửa các cấp, nhằm "
            "nâng cao văn hóa công vụ và chất lượng phục vụ người dân, doanh nghiệp."
        ),
        "body": (
            "<p>Lớp học do Sở Nội vụ phối hợp với Trường Chính trị tỉnh tổ chức trong năm ngày. "
            "Học viên là công chức đang trực tiếp tiếp nhận, trả kết quả hồ sơ tại Trung tâm "
            "Phục vụ hành chính công tỉnh và bộ phận một cửa cấp huyện, cấp xã.</p>\n"
            "<h2>Chú trọng thực hành, xử lý tình huống</h2>\n"
            "<p>Bên cạnh các chuyên đề về quy tắc ứng xử của cán bộ, công chức, kỹ năng lắng "
            "nghe và giải thích pháp luật, học viên được thực hành xử lý những tình huống thường "
            "gặp như người dân bức xúc vì hồ sơ bị trả lại, người cao tuổi chưa biết sử dụng "
            "dịch vụ công trực tuyến hay doanh nghiệp cần hướng dẫn gấp.</p>\n"
            "<ul><li>Kỹ năng tiếp nhận và hướng dẫn hồ sơ một lần, đầy đủ;</li><li>Kỹ năng giao "
            "tiếp qua điện thoại, tin nhắn và mạng xã hội;</li><li>Kỹ năng kiểm soát cảm xúc và "
            "giải quyết xung đột.</li></ul>\n"
            "<p>Kết thúc khóa học, học viên làm bài thu hoạch và được cấp chứng chỉ. Sở Nội vụ "
            "sẽ phối hợp khảo sát mức độ hài lòng của người dân tại các điểm một cửa sau ba "
            "tháng để đánh giá hiệu quả của chương trình bồi dưỡng.</p>"
        ),
        "image_caption": "Học viên lớp bồi dưỡng thực hành tình huống giao tiếp với người dân.",
        "image_position": "beside",
        "author": "Bảo Ngọc",
        "source": "Sở Nội vụ",
        "tags": ["bồi dưỡng cán bộ", "văn hóa công vụ", "một cửa"],
        "days_ago": -2,
        "hour": 7,
        "minute": 30,
        "featured": False,
        "image_color": "#2a9d8f",
        "status": "scheduled",
    },
    {
        "title": "UBND tỉnh họp phiên thường kỳ, đánh giá tình hình kinh tế - xã hội tháng qua",
        "category": "tin-tuc-su-kien",
        "extra_categories": [],
        "lead": (
            "Tại phiên họp, UBND tỉnh đánh giá nhiều chỉ tiêu kinh tế - xã hội tiếp tục tăng "
            "trưởng khá, đồng thời chỉ đạo tập trung đẩy nhanh tiến độ giải ngân vốn đầu tư công "
            "trong những tháng cuối năm."
        ),
        "body": (
            "<p>Theo báo cáo của Sở Kế hoạch và Đầu tư, giá trị sản xuất công nghiệp trong tháng "
            "tăng 8,6% so với cùng kỳ; tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tăng 11,2%; "
            "thu ngân sách nhà nước trên địa bàn đạt 76% dự toán năm. Các hoạt động văn hóa, "
            "giáo dục, y tế được triển khai đúng kế hoạch, an sinh xã hội được bảo đảm.</p>\n"
            "<h2>Giải ngân vốn đầu tư công còn chậm</h2>\n"
            "<p>Tuy nhiên, tỷ lệ giải ngân vốn đầu tư công mới đạt khoảng 58% kế hoạch, thấp hơn "
            "mức trung bình cả nước. Nguyên nhân chủ yếu là vướng mắc trong công tác bồi thường, "
            "giải phóng mặt bằng và giá vật liệu xây dựng biến động.</p>\n"
            "<p>Kết luận phiên họp, Chủ tịch UBND tỉnh yêu cầu các chủ đầu tư lập kế hoạch giải "
            "ngân chi tiết theo từng tuần, kiên quyết điều chuyển vốn từ các dự án chậm tiến độ "
            "sang dự án có khả năng giải ngân tốt. Người đứng đầu cơ quan, đơn vị phải chịu "
            "trách nhiệm nếu để chậm giải ngân mà không có lý do chính đáng.</p>\n"
            "<h3>Chuẩn bị tốt các điều kiện cho mùa mưa bão</h3>\n"
            "<p>UBND tỉnh cũng chỉ đạo các địa phương rà soát phương án phòng, chống thiên tai, "
            "kiểm tra an toàn hồ đập, chuẩn bị đầy đủ lương thực, thuốc men, phương tiện cứu hộ "
            "theo phương châm “bốn tại chỗ”.</p>"
        ),
        "image_caption": "Quang cảnh phiên họp thường kỳ của UBND tỉnh An Hòa.",
        "image_position": "beside",
        "author": "Quốc Huy - Đài Phát thanh và Truyền hình An Hòa",
        "source": "Văn phòng UBND tỉnh",
        "tags": ["phiên họp thường kỳ", "kinh tế - xã hội", "đầu tư công"],
        "days_ago": 0,
        "hour": 17,
        "minute": 30,
        "featured": False,
        "image_color": "#bc4749",
        "status": "published",
    },
    {
        "title": "Tỉnh An Hòa chủ động triển khai các phương án phòng, chống thiên tai mùa mưa lũ",
        "category": "tin-tuc-su-kien",
        "extra_categories": [],
        "lead": (
            "Ban Chỉ huy Phòng thủ dân sự tỉnh yêu cầu các địa phương hoàn thành rà soát phương "
            "án sơ tán dân, bảo đảm an toàn hồ chứa và chuẩn bị lực lượng, vật tư sẵn sàng ứng "
            "phó trước mùa mưa lũ."
        ),
        "body": (
            "<p>Theo dự báo của Đài Khí tượng thủy văn tỉnh, mùa mưa năm nay có khả năng xuất "
            "hiện từ ba đến bốn đợt lũ trên các sông chính, trong đó có thể có lũ lớn vào cuối "
            "tháng Mười và tháng Mười một. Nguy cơ sạt lở đất tại các huyện miền núi và xói lở "
            "bờ biển được đánh giá ở mức cao.</p>\n"
            "<h2>Rà soát kỹ các khu vực xung yếu</h2>\n"
            "<p>Toàn tỉnh hiện có 37 điểm có nguy cơ sạt lở và 14 khu vực thường xuyên bị ngập "
            "sâu. Các địa phương đã lập danh sách hơn 6.200 hộ dân cần sơ tán khi có tình huống "
            "khẩn cấp, bố trí điểm sơ tán tại trường học, trụ sở cơ quan và nhà kiên cố.</p>\n"
            "<figure>{image}<figcaption>Lực lượng chức năng kiểm tra an toàn đập tràn tại hồ "
            "chứa nước Đá Bàn, huyện Mỹ Lâm.</figcaption></figure>\n"
            "<p>Để chủ động ứng phó, Ban Chỉ huy yêu cầu các đơn vị thực hiện ngay các nhiệm "
            "vụ:</p>\n"
            "<ul><li>Kiểm tra, vận hành thử cửa xả của 52 hồ chứa thủy lợi;</li><li>Dự trữ lương "
            "thực, nước uống, thuốc men đủ dùng ít nhất 7 ngày tại các xã dễ bị chia "
            "cắt;</li><li>Duy trì chế độ trực ban 24/24 giờ khi có thiên tai;</li><li>Thông tin "
            "kịp thời, chính xác đến người dân qua loa truyền thanh, tin nhắn và mạng xã "
            "hội.</li></ul>\n"
            "<p>Người dân có thể theo dõi bản tin cảnh báo thiên tai tại <a "
            'href="https://example.gov.vn/canh-bao-thien-tai">chuyên trang phòng, chống thiên '
            "tai</a> của tỉnh.</p>"
        ),
        "image_caption": "Kiểm tra an toàn hồ chứa nước trước mùa mưa lũ.",
        "image_position": "under",
        "author": "Thanh Tùng",
        "source": "Ban Chỉ huy Phòng thủ dân sự tỉnh",
        "tags": ["phòng chống thiên tai", "mưa lũ", "hồ chứa"],
        "days_ago": 13,
        "hour": 6,
        "minute": 45,
        "featured": False,
        "image_color": "#457b9d",
        "status": "published",
    },
    {
        "title": "Ra quân cao điểm bảo đảm trật tự an toàn giao thông dịp lễ và mùa du lịch",
        "category": "tin-tuc-su-kien",
        "extra_categories": [],
        "lead": (
            "Ban An toàn giao thông tỉnh phối hợp với Công an tỉnh tổ chức lễ ra quân đợt cao "
            "điểm, tập trung xử lý nghiêm các vi phạm về nồng độ cồn, tốc độ và chở quá số người "
            "quy định."
        ),
        "body": (
            "<p>Đợt cao điểm kéo dài 45 ngày, trải rộng trên các tuyến quốc lộ, tỉnh lộ và các "
            "tuyến đường dẫn vào khu du lịch ven biển. Lực lượng cảnh sát giao thông, thanh tra "
            "giao thông và công an cấp xã được huy động tối đa, bố trí trực chốt tại các nút "
            "giao thường xảy ra ùn tắc.</p>\n"
            "<h2>Tai nạn giao thông giảm cả ba tiêu chí</h2>\n"
            "<p>Trong chín tháng qua, trên địa bàn tỉnh xảy ra 148 vụ tai nạn giao thông, làm "
            "chết 61 người, bị thương 112 người; so với cùng kỳ giảm ở cả ba tiêu chí về số vụ, "
            "số người chết và số người bị thương. Tuy vậy, tình trạng thanh thiếu niên chưa đủ "
            "tuổi điều khiển xe mô tô, đi xe dàn hàng ngang vẫn còn diễn ra ở một số địa "
            "phương.</p>\n"
            "<p>Phát biểu tại lễ ra quân, Phó Chủ tịch UBND tỉnh, Trưởng ban An toàn giao thông "
            "tỉnh đề nghị các lực lượng làm việc nghiêm túc, đúng quy trình, không có vùng cấm, "
            "không có ngoại lệ; đồng thời kết hợp tuyên truyền, nhắc nhở để người tham gia giao "
            "thông tự giác chấp hành.</p>\n"
            "<h3>Người dân được khuyến khích phản ánh vi phạm</h3>\n"
            "<p>Người dân có thể gửi hình ảnh, video về hành vi vi phạm trật tự an toàn giao "
            "thông qua ứng dụng An Hòa số. Những phản ánh đúng sẽ được xác minh và xử lý theo "
            "quy định, thông tin người phản ánh được giữ bí mật.</p>"
        ),
        "image_caption": "Lực lượng cảnh sát giao thông tại lễ ra quân đợt cao điểm.",
        "image_position": "beside",
        "author": "Đức Minh",
        "source": "Ban An toàn giao thông tỉnh",
        "tags": ["an toàn giao thông", "nồng độ cồn", "ra quân"],
        "days_ago": 27,
        "hour": 7,
        "minute": 55,
        "featured": False,
        "image_color": "#f4a261",
        "status": "published",
    },
    {
        "title": "Diễn tập ứng phó thiên tai và tìm kiếm cứu nạn tại huyện ven biển Vĩnh Xuân",
        "category": "tin-tuc-su-kien",
        "extra_categories": [],
        "lead": (
            "Hơn 500 người thuộc các lực lượng quân sự, công an, y tế, chữ thập đỏ và người dân "
            "địa phương tham gia buổi diễn tập với tình huống giả định bão mạnh kèm nước dâng đổ "
            "bộ vào vùng ven biển."
        ),
        "body": (
            "<p>Theo kịch bản, cơn bão có sức gió cấp 12, giật cấp 14 đổ bộ trực tiếp vào huyện "
            "Vĩnh Xuân, gây nước dâng, ngập lụt diện rộng và làm nhiều tàu cá gặp nạn trên biển. "
            "Ban Chỉ huy Phòng thủ dân sự huyện nhanh chóng kích hoạt phương án ứng phó, tổ chức "
            "sơ tán dân và triển khai lực lượng cứu nạn.</p>\n"
            "<figure>{image}<figcaption>Lực lượng cứu hộ đưa người bị nạn vào bờ trong tình "
            "huống giả định tại buổi diễn tập.</figcaption></figure>\n"
            "<h2>Phối hợp nhịp nhàng giữa các lực lượng</h2>\n"
            "<p>Các tình huống sơ tán người già, trẻ em, phụ nữ mang thai; cứu người bị nạn trên "
            "biển; sơ cứu, cấp cứu và bảo đảm hậu cần tại điểm sơ tán được thực hiện bài bản, "
            "khẩn trương. Tàu, xuồng, phương tiện cơ giới và thiết bị bay không người lái được "
            "sử dụng để tìm kiếm, truyền tin.</p>\n"
            "<p>Đánh giá kết quả, Bộ Chỉ huy Quân sự tỉnh cho rằng buổi diễn tập đạt mục đích, "
            "yêu cầu đề ra, giúp các cấp, các ngành và người dân nâng cao kỹ năng ứng phó, đồng "
            "thời rút ra nhiều bài học kinh nghiệm về thông tin liên lạc và điều phối lực lượng "
            "khi thiên tai xảy ra trên diện rộng.</p>"
        ),
        "image_caption": "Buổi diễn tập ứng phó thiên tai tại huyện Vĩnh Xuân.",
        "image_position": "under",
        "author": "Quốc Huy - Đài Phát thanh và Truyền hình An Hòa",
        "source": "Bộ Chỉ huy Quân sự tỉnh",
        "tags": ["diễn tập", "tìm kiếm cứu nạn", "phòng chống thiên tai"],
        "days_ago": 62,
        "hour": 10,
        "minute": 5,
        "featured": False,
        "image_color": "#1d3557",
        "status": "published",
    },
    {
        "title": "Hội nghị báo cáo viên tháng thông tin về tình hình thời sự trong nước, quốc tế",
        "category": "tin-tuc-su-kien",
        "extra_categories": [],
        "lead": (
            "Ban Tuyên giáo Tỉnh ủy tổ chức hội nghị báo cáo viên định kỳ theo hình thức trực "
            "tiếp kết hợp trực tuyến đến 9 điểm cầu cấp huyện với hơn 600 đại biểu tham dự."
        ),
        "body": (
            "<p>Tại hội nghị, báo cáo viên Trung ương đã thông tin chuyên đề về tình hình kinh "
            "tế thế giới, những tác động đến nền kinh tế Việt Nam và các giải pháp thúc đẩy tăng "
            "trưởng trong bối cảnh mới. Đại biểu cũng được nghe thông tin về tình hình biển, đảo "
            "và công tác đối ngoại trong thời gian gần đây.</p>\n"
            "<h2>Định hướng công tác tuyên truyền trong tháng</h2>\n"
            "<p>Đại diện lãnh đạo Ban Tuyên giáo Tỉnh ủy đã định hướng một số nội dung trọng tâm "
            "cần tuyên truyền, gồm: kết quả thực hiện nhiệm vụ phát triển kinh tế - xã hội của "
            "tỉnh; công tác phòng, chống thiên tai; các ngày kỷ niệm lớn trong tháng; việc học "
            "tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.</p>\n"
            "<p>Đội ngũ báo cáo viên, tuyên truyền viên được đề nghị bám sát cơ sở, nắm chắc tư "
            "tưởng của cán bộ, đảng viên và nhân dân, kịp thời phản ánh những vấn đề dư luận "
            "quan tâm. Đồng thời tích cực đấu tranh, phản bác các thông tin sai trái, xuyên tạc "
            "trên không gian mạng.</p>\n"
            "<p>Tài liệu hội nghị được đăng tải trên <a "
            'href="https://example.gov.vn/tai-lieu-bao-cao-vien">trang tài liệu sinh hoạt chi '
            "bộ</a> để các chi bộ tham khảo trong sinh hoạt định kỳ.</p>"
        ),
        "image_caption": "Hội nghị báo cáo viên tháng tại điểm cầu Ban Tuyên giáo Tỉnh ủy.",
        "image_position": "hidden",
        "author": "Ban Tuyên giáo Tỉnh ủy",
        "source": "Ban Tuyên giáo Tỉnh ủy",
        "tags": ["báo cáo viên", "công tác tuyên giáo", "thời sự"],
        "days_ago": 101,
        "hour": 8,
        "minute": 0,
        "featured": False,
        "image_color": "#9d0208",
        "status": "published",
    },
    {
        "title": "Xã Phước Thạnh đón nhận Bằng công nhận đạt chuẩn nông thôn mới nâng cao",
        "category": "hoat-dong-co-so",
        "extra_categories": [],
        "lead": (
            "Sau ba năm nỗ lực, xã Phước Thạnh, huyện Tân Phước trở thành một trong những xã đầu "
            "tiên của tỉnh đạt chuẩn nông thôn mới nâng cao, với thu nhập bình quân đầu người "
            "đạt gần 62 triệu đồng mỗi năm."
        ),
        "body": (
            "<p>Đến nay, 100% tuyến đường thôn, liên thôn của xã đã được bê tông hóa, có hệ "
            "thống chiếu sáng; trường học đạt chuẩn quốc gia mức độ hai; trạm y tế được đầu tư "
            "trang thiết bị đồng bộ. Tỷ lệ hộ nghèo giảm còn 0,8%, không còn nhà tạm, nhà dột "
            "nát.</p>\n"
            "<figure>{image}<figcaption>Tuyến đường hoa do người dân thôn Phước Hòa, xã Phước "
            "Thạnh tự trồng và chăm sóc.</figcaption></figure>\n"
            "<h2>Phát huy vai trò chủ thể của người dân</h2>\n"
            "<p>Điểm nổi bật của Phước Thạnh là sự đồng lòng của người dân. Trong ba năm, bà con "
            "đã tự nguyện hiến hơn 12 nghìn mét vuông đất, đóng góp trên 9 tỷ đồng cùng hàng "
            "nghìn ngày công để làm đường, xây dựng nhà văn hóa thôn và trồng các tuyến đường "
            "hoa.</p>\n"
            "<p>Xã cũng hình thành nhiều mô hình sản xuất hiệu quả như trồng bưởi hữu cơ, nuôi "
            "tôm công nghệ cao, hợp tác xã dịch vụ nông nghiệp liên kết tiêu thụ sản phẩm với "
            "doanh nghiệp. Hai sản phẩm của xã đã được công nhận đạt chuẩn OCOP 3 sao.</p>\n"
            "<p>Phát biểu tại buổi lễ, ông Võ Thành Hưng, Chủ tịch UBND xã, cho biết đạt chuẩn "
            "chỉ là điểm khởi đầu; xã sẽ tiếp tục phấn đấu trở thành xã nông thôn mới kiểu mẫu, "
            "tập trung vào chuyển đổi số và phát triển du lịch sinh thái.</p>"
        ),
        "image_caption": "Lễ đón nhận Bằng công nhận xã đạt chuẩn nông thôn mới nâng cao.",
        "image_position": "beside",
        "author": "Hải Yến - Đài Truyền thanh huyện Tân Phước",
        "source": "Báo An Hòa",
        "tags": ["nông thôn mới", "nông thôn mới nâng cao", "Tân Phước"],
        "days_ago": 11,
        "hour": 18,
        "minute": 25,
        "featured": False,
        "image_color": "#52b788",
        "status": "published",
    },
    {
        "title": "Tuổi trẻ Tân Phước ra quân Chiến dịch Thanh niên tình nguyện hè",
        "category": "hoat-dong-co-so",
        "extra_categories": [],
        "lead": (
            "Hơn 1.200 đoàn viên, thanh niên và học sinh, sinh viên tham gia lễ ra quân, mở đầu "
            "chuỗi hoạt động tình nguyện vì cộng đồng trong suốt mùa hè."
        ),
        "body": (
            "<p>Lễ ra quân do Huyện đoàn Tân Phước tổ chức tại xã An Lạc. Ngay sau buổi lễ, các "
            "đội hình tình nguyện đã tỏa về các thôn, xóm để dọn vệ sinh môi trường, sửa chữa "
            "nhà cho gia đình chính sách và tổ chức sân chơi cho thiếu nhi.</p>\n"
            "<h2>Những công trình thanh niên thiết thực</h2>\n"
            "<p>Trong chiến dịch năm nay, tuổi trẻ Tân Phước đăng ký thực hiện nhiều phần việc "
            "cụ thể:</p>\n"
            "<ul><li>Xây dựng 5 tuyến đường “Thắp sáng đường quê” bằng đèn năng lượng mặt "
            "trời;</li><li>Trồng 3.000 cây xanh tại trường học và khu dân cư;</li><li>Mở 20 lớp "
            "dạy bơi miễn phí phòng chống đuối nước cho trẻ em;</li><li>Hỗ trợ người dân cài đặt "
            "ứng dụng định danh điện tử và dịch vụ công trực tuyến.</li></ul>\n"
            "<p>Bí thư Huyện đoàn Nguyễn Hoàng Khang cho biết, điểm mới của chiến dịch năm nay "
            "là đội hình “Thanh niên tình nguyện chuyển đổi số”, gồm các sinh viên công nghệ "
            "thông tin về quê nghỉ hè, trực tiếp hướng dẫn bà con sử dụng các nền tảng số.</p>\n"
            "<p>Chiến dịch kéo dài đến hết tháng Tám. Kết quả sẽ được tổng kết, biểu dương vào "
            "dịp kỷ niệm ngày thành lập Hội Liên hiệp Thanh niên Việt Nam.</p>"
        ),
        "image_caption": (
            "Đoàn viên thanh niên huyện Tân Phước tại lễ ra quân chiến dịch tình nguyện hè."
        ),
        "image_position": "beside",
        "author": "Khánh Vy",
        "source": "Tỉnh đoàn An Hòa",
        "tags": ["thanh niên tình nguyện", "Đoàn Thanh niên", "mùa hè xanh"],
        "days_ago": 44,
        "hour": 6,
        "minute": 30,
        "featured": False,
        "image_color": "#0096c7",
        "status": "published",
    },
    {
        "title": "Phường Bắc Sơn ra mắt “Khu phố số” hỗ trợ người dân làm thủ tục trực tuyến",
        "category": "hoat-dong-co-so",
        "extra_categories": [],
        "lead": (
            "Mô hình được triển khai thí điểm tại khu phố 3, phường Bắc Sơn, thành phố An Hòa, "
            "với mục tiêu mỗi hộ gia đình có ít nhất một người biết sử dụng dịch vụ công trực "
            "tuyến."
        ),
        "body": (
            "<p>Theo đó, khu phố thành lập nhóm hỗ trợ gồm cán bộ khu phố, đoàn viên thanh niên "
            "và công an khu vực. Nhóm có lịch trực cố định vào tối thứ Ba và sáng Chủ nhật hằng "
            "tuần tại nhà văn hóa khu phố, đồng thời sẵn sàng đến tận nhà hỗ trợ người cao tuổi, "
            "người khuyết tật.</p>\n"
            "<h2>Mọi thông tin trong một nhóm trò chuyện</h2>\n"
            "<p>Khu phố cũng lập nhóm trò chuyện trực tuyến với gần 400 thành viên đại diện các "
            "hộ gia đình. Tại đây, các thông báo của phường, lịch tiêm chủng, lịch thu gom rác "
            "và hướng dẫn thủ tục hành chính được cập nhật thường xuyên. Người dân có thể phản "
            "ánh ngay những vấn đề về an ninh trật tự, vệ sinh môi trường.</p>\n"
            "<p>Ông Trần Văn Sáu, 72 tuổi, cho biết: “Lúc đầu tôi nghĩ mình già rồi, học không "
            "được. Nhờ các cháu hướng dẫn tận tình, giờ tôi đã tự tra cứu được thông tin lương "
            "hưu và đăng ký khám bệnh trên điện thoại”.</p>\n"
            "<h3>Sẽ nhân rộng ra toàn phường</h3>\n"
            "<p>Sau ba tháng thí điểm, tỷ lệ hồ sơ trực tuyến của người dân khu phố 3 tăng gấp "
            "ba lần. UBND phường Bắc Sơn dự kiến nhân rộng mô hình ra tất cả 12 khu phố trong "
            "quý tới.</p>"
        ),
        "image_caption": (
            "Đoàn viên thanh niên hướng dẫn người cao tuổi sử dụng dịch vụ công trên điện thoại."
        ),
        "image_position": "beside",
        "author": "Minh Châu - Trung tâm Truyền thông",
        "source": "",
        "tags": ["khu phố số", "dịch vụ công", "mô hình hay"],
        "days_ago": 19,
        "hour": 20,
        "minute": 15,
        "featured": False,
        "image_color": "#7209b7",
        "status": "published",
    },
    {
        "title": "Hội Nông dân xã An Lạc giúp hội viên vay vốn phát triển kinh tế hộ gia đình",
        "category": "hoat-dong-co-so",
        "extra_categories": [],
        "lead": (
            "Từ nguồn vốn ủy thác và Quỹ Hỗ trợ nông dân, Hội Nông dân xã An Lạc đã giúp hơn 150 "
            "hộ hội viên tiếp cận vốn vay ưu đãi để chăn nuôi, trồng trọt và phát triển ngành "
            "nghề."
        ),
        "body": (
            "<p>Hiện Hội Nông dân xã đang quản lý 9 tổ tiết kiệm và vay vốn với tổng dư nợ gần "
            "18 tỷ đồng, không có nợ quá hạn. Các tổ được duy trì sinh hoạt định kỳ hằng tháng, "
            "công khai danh sách vay vốn và kết quả sử dụng vốn của từng hộ.</p>\n"
            "<h2>Vốn đến đúng người, đúng mục đích</h2>\n"
            "<p>Trước khi giải ngân, cán bộ hội cùng tổ trưởng tổ vay vốn trực tiếp đến gia đình "
            "để tìm hiểu nhu cầu, tư vấn phương án sản xuất phù hợp. Sau khi vay, hội viên được "
            "tham gia các lớp tập huấn kỹ thuật chăn nuôi bò, trồng rau an toàn và nuôi ong lấy "
            "mật do Hội phối hợp với Trung tâm Khuyến nông tổ chức.</p>\n"
            "<p>Nhờ được hỗ trợ kịp thời, nhiều hộ đã thoát nghèo bền vững. Gia đình anh Đinh "
            "Văn Tâm ở thôn Đông Yên, từ 50 triệu đồng vay ban đầu, nay đã phát triển đàn bò lên "
            "14 con, mỗi năm thu lãi khoảng 120 triệu đồng.</p>\n"
            "<p>Trong thời gian tới, Hội Nông dân xã sẽ tiếp tục phối hợp với ngân hàng chính "
            "sách xã hội mở rộng nguồn vốn, đồng thời hỗ trợ hội viên liên kết thành tổ hợp tác "
            "để thuận lợi trong tiêu thụ sản phẩm.</p>"
        ),
        "image_caption": "Mô hình chăn nuôi bò của hội viên nông dân xã An Lạc.",
        "image_position": "beside",
        "author": "Hữu Phước",
        "source": "Hội Nông dân tỉnh",
        "tags": ["Hội Nông dân", "vốn vay ưu đãi", "giảm nghèo"],
        "days_ago": 87,
        "hour": 9,
        "minute": 40,
        "featured": False,
        "image_color": "#a47148",
        "status": "draft",
    },
    {
        "title": "Người dân thôn Tân Mỹ hiến đất, góp công làm gần hai cây số đường bê tông",
        "category": "hoat-dong-co-so",
        "extra_categories": [],
        "lead": (
            "Với phương châm “Nhà nước và nhân dân cùng làm”, người dân thôn Tân Mỹ, xã Mỹ Hòa "
            "đã tự nguyện hiến đất, góp tiền và ngày công để hoàn thành tuyến đường bê tông rộng "
            "5 mét."
        ),
        "body": (
            "<p>Tuyến đường dài 1,8 km nối trung tâm thôn với tỉnh lộ 642 trước đây là đường đất "
            "nhỏ hẹp, mùa mưa lầy lội, xe chở nông sản không thể vào được. Khi xã phát động chủ "
            "trương mở rộng đường, 46 hộ dân có đất dọc tuyến đã đồng thuận tháo dỡ hàng rào, "
            "hiến hơn 3.000 mét vuông đất.</p>\n"
            "<figure>{image}<figcaption>Người dân thôn Tân Mỹ cùng nhau đổ bê tông mặt "
            "đường.</figcaption></figure>\n"
            "<h2>Hiến đất không chút đắn đo</h2>\n"
            "<p>Gia đình ông Phan Văn Ba là hộ hiến nhiều đất nhất với gần 200 mét vuông, trong "
            "đó có cả một phần vườn tiêu đang cho thu hoạch. “Đường rộng thì con cháu đi học an "
            "toàn, nông sản bán được giá hơn. Mất chút đất mà cả thôn được hưởng lợi, tôi thấy "
            "đáng lắm”, ông Ba chia sẻ.</p>\n"
            "<p>Tổng kinh phí xây dựng tuyến đường khoảng 2,1 tỷ đồng, trong đó ngân sách nhà "
            "nước hỗ trợ xi măng và một phần chi phí, người dân đóng góp hơn 700 triệu đồng cùng "
            "gần 1.500 ngày công lao động.</p>\n"
            "<p>Mô hình của thôn Tân Mỹ đã được Ban Chỉ đạo các chương trình mục tiêu quốc gia "
            "huyện biểu dương và đề nghị các địa phương học tập, nhân rộng.</p>"
        ),
        "image_caption": "Tuyến đường bê tông mới hoàn thành tại thôn Tân Mỹ.",
        "image_position": "under",
        "author": "Hải Yến",
        "source": "Báo An Hòa",
        "tags": ["giao thông nông thôn", "hiến đất làm đường", "nông thôn mới"],
        "days_ago": 52,
        "hour": 16,
        "minute": 5,
        "featured": False,
        "image_color": "#6c757d",
        "status": "published",
    },
    {
        "title": "Khai mạc Lễ hội Cầu Ngư làng biển Hòa Thắng, thu hút hàng nghìn du khách",
        "category": "van-hoa-xa-hoi",
        "extra_categories": [],
        "lead": (
            "Lễ hội Cầu Ngư là dịp để ngư dân bày tỏ lòng biết ơn với biển cả, cầu mong một năm "
            "mưa thuận gió hòa, ra khơi bình an và đánh bắt được nhiều tôm cá."
        ),
        "body": (
            "<p>Lễ hội diễn ra trong ba ngày tại lăng Ông Nam Hải, phường Hòa Thắng, thị xã Hòa "
            "Thắng. Phần lễ gồm các nghi thức truyền thống như rước sắc, tế cá Ông, cầu an cho "
            "ngư dân. Phần hội sôi nổi với các hoạt động đua thuyền thúng, kéo co, hát bả trạo "
            "và hội chợ ẩm thực làng biển.</p>\n"
            "<figure>{image}<figcaption>Đội hát bả trạo biểu diễn trong ngày khai mạc Lễ hội Cầu "
            "Ngư.</figcaption></figure>\n"
            "<h2>Giữ gìn di sản văn hóa biển</h2>\n"
            "<p>Hát bả trạo là loại hình nghệ thuật dân gian đặc sắc của cư dân ven biển miền "
            "Trung, mô phỏng cảnh chèo thuyền vượt sóng. Những năm gần đây, thị xã Hòa Thắng đã "
            "mở nhiều lớp truyền dạy bả trạo cho thanh thiếu niên, góp phần bảo tồn loại hình "
            "nghệ thuật này.</p>\n"
            "<p>Bà Lâm Thị Thu Hà, Phó Giám đốc Sở Văn hóa, Thể thao và Du lịch, cho biết lễ hội "
            "không chỉ có giá trị tâm linh mà còn là sản phẩm du lịch văn hóa đặc sắc. Năm nay, "
            "lễ hội được tổ chức gắn với chương trình kích cầu du lịch biển, thu hút đông đảo du "
            "khách trong và ngoài tỉnh.</p>\n"
            "<p>Ban tổ chức khuyến cáo người dân và du khách giữ gìn vệ sinh chung, không sử "
            "dụng sản phẩm nhựa dùng một lần trong khu vực lễ hội.</p>"
        ),
        "image_caption": "Nghi thức rước sắc tại Lễ hội Cầu Ngư làng biển Hòa Thắng.",
        "image_position": "beside",
        "author": "Ngọc Diệp - Báo An Hòa",
        "source": "Báo An Hòa",
        "tags": ["lễ hội Cầu Ngư", "văn hóa biển", "du lịch"],
        "days_ago": 36,
        "hour": 21,
        "minute": 0,
        "featured": False,
        "image_color": "#e76f51",
        "status": "published",
    },
    {
        "title": "Liên hoan dân ca các dân tộc tỉnh An Hòa quy tụ hơn 300 diễn viên, nghệ nhân",
        "category": "van-hoa-xa-hoi",
        "extra_categories": [],
        "lead": (
            "Liên hoan với chủ đề “Giai điệu quê hương” có sự tham gia của 14 đoàn nghệ thuật "
            "quần chúng đến từ các huyện, thị xã, thành phố và các đơn vị lực lượng vũ trang."
        ),
        "body": (
            "<p>Trong ba đêm biểu diễn, khán giả được thưởng thức gần 60 tiết mục đặc sắc, từ "
            "dân ca, hò khoan, bài chòi đến những làn điệu dân ca của đồng bào các dân tộc thiểu "
            "số. Nhiều tiết mục được dàn dựng công phu, kết hợp hài hòa giữa yếu tố truyền thống "
            "và hiện đại.</p>\n"
            "<h2>Nghệ nhân cao tuổi cùng thế hệ trẻ</h2>\n"
            "<p>Ấn tượng nhất là sự góp mặt của nghệ nhân Y Nhơn, 81 tuổi, với tiết mục độc tấu "
            "đàn đá và hát kể sử thi. Bên cạnh đó, nhiều diễn viên nhỏ tuổi mới 9, 10 tuổi đã tự "
            "tin biểu diễn các làn điệu bài chòi, cho thấy sự tiếp nối giữa các thế hệ trong gìn "
            "giữ vốn văn hóa quê hương.</p>\n"
            "<blockquote><p>Dân ca là tâm hồn của quê hương. Mỗi lần được hát cho con cháu nghe, "
            "tôi thấy lòng mình trẻ lại.</p></blockquote>\n"
            "<p>Kết quả, Ban tổ chức đã trao 3 giải A, 5 giải B, 6 giải C toàn đoàn cùng nhiều "
            "giải cá nhân. Các tiết mục xuất sắc sẽ được lựa chọn tham gia liên hoan khu vực và "
            "được ghi hình để giới thiệu trên sóng Đài Phát thanh và Truyền hình tỉnh.</p>"
        ),
        "image_caption": "Tiết mục biểu diễn của đoàn nghệ thuật huyện Mỹ Lâm tại liên hoan.",
        "image_position": "under",
        "author": "Ngọc Diệp",
        "source": "Sở Văn hóa, Thể thao và Du lịch",
        "tags": ["dân ca", "liên hoan nghệ thuật", "văn hóa dân tộc"],
        "days_ago": 68,
        "hour": 20,
        "minute": 45,
        "featured": False,
        "image_color": "#c9184a",
        "status": "published",
    },
    {
        "title": "Du lịch An Hòa đón hơn 120 nghìn lượt khách trong dịp nghỉ lễ vừa qua",
        "category": "van-hoa-xa-hoi",
        "extra_categories": [],
        "lead": (
            "Tổng doanh thu từ hoạt động du lịch trong kỳ nghỉ lễ ước đạt khoảng 310 tỷ đồng, "
            "công suất phòng tại nhiều cơ sở lưu trú ven biển đạt trên 90%."
        ),
        "body": (
            "<p>Theo thống kê của Sở Văn hóa, Thể thao và Du lịch, các điểm đến thu hút đông du "
            "khách nhất là bãi biển Hòa Thắng, khu du lịch sinh thái hồ Đá Bàn, làng nghề dệt "
            "thổ cẩm Mỹ Lâm và khu di tích lịch sử cách mạng của tỉnh. Lượng khách quốc tế tăng "
            "gần 25% so với cùng kỳ.</p>\n"
            "<h2>Đa dạng hóa sản phẩm du lịch</h2>\n"
            "<p>Trong dịp lễ, nhiều hoạt động văn hóa, thể thao được tổ chức như lễ hội đường "
            "phố, giải đua thuyền truyền thống, chợ phiên ẩm thực đêm. Các doanh nghiệp lữ hành "
            "cũng tung ra nhiều gói sản phẩm mới như tour trải nghiệm làm ngư dân một ngày, tour "
            "đạp xe khám phá làng quê.</p>\n"
            "<p>Công tác bảo đảm an ninh trật tự, an toàn thực phẩm và niêm yết giá được các địa "
            "phương quan tâm thực hiện. Đường dây nóng hỗ trợ du khách không ghi nhận phản ánh "
            "về tình trạng chèo kéo, nâng giá dịch vụ.</p>\n"
            "<h3>Hướng tới mùa du lịch cao điểm</h3>\n"
            "<p>Ngành du lịch tỉnh đang phối hợp với các hãng hàng không, doanh nghiệp lữ hành "
            "tổ chức chương trình kích cầu, đồng thời nâng cấp Cổng thông tin du lịch thông minh "
            "để du khách dễ dàng tra cứu điểm đến, đặt phòng và đánh giá chất lượng dịch vụ.</p>"
        ),
        "image_caption": "Du khách tắm biển tại bãi biển Hòa Thắng trong dịp nghỉ lễ.",
        "image_position": "beside",
        "author": "Hoài Thương - Báo An Hòa",
        "source": "Báo An Hòa",
        "tags": ["du lịch", "nghỉ lễ", "kích cầu du lịch"],
        "days_ago": 21,
        "hour": 12,
        "minute": 10,
        "featured": False,
        "image_color": "#00b4d8",
        "status": "expired",
        "expires_days_ago": 1,
    },
    {
        "title": "Ra mắt tuyến du lịch cộng đồng trải nghiệm văn hóa làng nghề dệt thổ cẩm Mỹ Lâm",
        "category": "van-hoa-xa-hoi",
        "extra_categories": [],
        "lead": (
            "Tuyến du lịch cộng đồng đưa du khách đến với làng dệt thổ cẩm truyền thống, thưởng "
            "thức ẩm thực bản địa và nghỉ đêm tại nhà dân, góp phần tạo sinh kế bền vững cho "
            "đồng bào."
        ),
        "body": (
            "<p>Tuyến du lịch do UBND huyện Mỹ Lâm phối hợp với một doanh nghiệp lữ hành xây "
            "dựng, đi qua ba thôn có nghề dệt thổ cẩm lâu đời. Du khách được tận mắt xem các "
            "nghệ nhân dệt vải trên khung dệt truyền thống và tự tay thử dệt những hoa văn đơn "
            "giản.</p>\n"
            "<figure>{image}<figcaption>Nghệ nhân hướng dẫn du khách dệt thổ cẩm trên khung dệt "
            "truyền thống.</figcaption></figure>\n"
            "<h2>Người dân là chủ thể làm du lịch</h2>\n"
            "<p>Để chuẩn bị cho tuyến du lịch, 15 hộ gia đình đã được hỗ trợ cải tạo nhà ở thành "
            "điểm lưu trú, tập huấn kỹ năng đón tiếp khách, chế biến món ăn và bảo đảm vệ sinh "
            "an toàn thực phẩm. Các sản phẩm thổ cẩm được thiết kế lại mẫu mã như túi xách, khăn "
            "choàng, sổ tay để phù hợp làm quà lưu niệm.</p>\n"
            "<p>Chị Y Hoa, chủ một homestay trong thôn, phấn khởi: “Trước đây vải dệt ra chỉ "
            "dùng trong nhà hoặc bán cho thương lái với giá rẻ. Nay khách đến tận nơi mua, còn "
            "được nghe kể chuyện về từng hoa văn nên họ rất thích”.</p>\n"
            "<p>Thông tin về tuyến du lịch được giới thiệu tại <a "
            'href="https://example.gov.vn/du-lich/my-lam">Cổng thông tin du lịch An '
            "Hòa</a>.</p>"
        ),
        "image_caption": "Sản phẩm thổ cẩm của làng nghề Mỹ Lâm.",
        "image_position": "beside",
        "author": "Khánh Vy",
        "source": "Sở Văn hóa, Thể thao và Du lịch",
        "tags": ["du lịch cộng đồng", "thổ cẩm", "làng nghề"],
        "days_ago": 48,
        "hour": 14,
        "minute": 15,
        "featured": False,
        "image_color": "#9c6644",
        "status": "published",
    },
    {
        "title": "Phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa” lan tỏa ở khu dân cư",
        "category": "van-hoa-xa-hoi",
        "extra_categories": [],
        "lead": (
            "Sau nhiều năm triển khai, phong trào đã trở thành động lực quan trọng, góp phần xây "
            "dựng nếp sống văn minh, gia đình văn hóa và khu dân cư đoàn kết, an toàn trên địa "
            "bàn tỉnh."
        ),
        "body": (
            "<p>Hiện toàn tỉnh có trên 91% hộ gia đình đạt danh hiệu “Gia đình văn hóa”, 87% "
            "thôn, khu phố đạt danh hiệu “Thôn, tổ dân phố văn hóa”. Việc cưới, việc tang và lễ "
            "hội cơ bản được tổ chức văn minh, tiết kiệm; nhiều hủ tục lạc hậu từng bước được "
            "xóa bỏ.</p>\n"
            "<h2>Thiết chế văn hóa cơ sở ngày càng hoàn thiện</h2>\n"
            "<p>Hệ thống nhà văn hóa, khu thể thao thôn được đầu tư xây dựng, trở thành nơi sinh "
            "hoạt cộng đồng thường xuyên. Nhiều câu lạc bộ văn nghệ, dưỡng sinh, bóng chuyền, cờ "
            "tướng được thành lập và duy trì hoạt động, thu hút đông đảo người dân tham gia.</p>\n"
            "<p>Bên cạnh kết quả đạt được, việc bình xét danh hiệu văn hóa ở một số nơi còn mang "
            "tính hình thức; một số nhà văn hóa thôn ít hoạt động do thiếu kinh phí và người "
            "quản lý. Ban Chỉ đạo phong trào tỉnh đề nghị các địa phương đổi mới cách thức bình "
            "xét, gắn danh hiệu với chất lượng thực chất.</p>\n"
            "<h3>Biểu dương điển hình tiên tiến</h3>\n"
            "<p>Nhân dịp này, UBND tỉnh đã tặng bằng khen cho 35 tập thể và 48 cá nhân có thành "
            "tích xuất sắc trong phong trào, trong đó có nhiều già làng, người có uy tín trong "
            "đồng bào dân tộc thiểu số.</p>"
        ),
        "image_caption": "Người dân sinh hoạt văn nghệ tại nhà văn hóa thôn.",
        "image_position": "hidden",
        "author": "Ngọc Diệp",
        "source": "Sở Văn hóa, Thể thao và Du lịch",
        "tags": ["đời sống văn hóa", "gia đình văn hóa", "khu dân cư"],
        "days_ago": 109,
        "hour": 9,
        "minute": 20,
        "featured": False,
        "image_color": "#b5838d",
        "status": "published",
    },
    {
        "title": "Hơn 280 nghìn học sinh tỉnh An Hòa hân hoan bước vào năm học mới",
        "category": "giao-duc-y-te",
        "extra_categories": [],
        "lead": (
            "Sáng nay, các trường học trên địa bàn tỉnh đồng loạt tổ chức lễ khai giảng với "
            "không khí trang trọng, vui tươi, chính thức khởi động năm học mới."
        ),
        "body": (
            "<p>Năm học này, toàn tỉnh có 612 cơ sở giáo dục mầm non và phổ thông với hơn 280 "
            "nghìn học sinh. Ngành giáo dục tiếp tục thực hiện Chương trình giáo dục phổ thông "
            "mới ở tất cả các khối lớp, đồng thời đẩy mạnh chuyển đổi số trong quản lý và dạy "
            "học.</p>\n"
            "<figure>{image}<figcaption>Học sinh lớp 1 Trường Tiểu học Lê Lợi, thành phố An Hòa "
            "trong ngày khai giảng.</figcaption></figure>\n"
            "<h2>Lãnh đạo tỉnh dự khai giảng tại nhiều địa phương</h2>\n"
            "<p>Dự lễ khai giảng tại Trường Trung học phổ thông chuyên An Hòa, bà Phan Thị Ngọc "
            "Diệp, Phó Chủ tịch UBND tỉnh, đánh giá cao những thành tích của thầy và trò trong "
            "năm học vừa qua, đặc biệt là kết quả trong các kỳ thi học sinh giỏi quốc gia. Bà đề "
            "nghị ngành giáo dục chú trọng giáo dục đạo đức, kỹ năng sống, bảo đảm an toàn "
            "trường học.</p>\n"
            "<p>Nhân dịp này, nhiều cơ quan, doanh nghiệp đã trao học bổng, xe đạp, sách vở cho "
            "học sinh có hoàn cảnh khó khăn vượt khó học tốt với tổng giá trị gần 2 tỷ đồng.</p>\n"
            "<p>Ngành giáo dục cũng đã hoàn thành việc rà soát, bố trí đủ giáo viên cho các "
            "trường; sửa chữa, nâng cấp phòng học và trang bị thêm thiết bị dạy học tối thiểu "
            "cho các khối lớp thực hiện chương trình mới.</p>"
        ),
        "image_caption": "Lễ khai giảng năm học mới tại Trường Trung học phổ thông chuyên An Hòa.",
        "image_position": "beside",
        "author": "Thu Trang - Sở Giáo dục và Đào tạo",
        "source": "Sở Giáo dục và Đào tạo",
        "tags": ["khai giảng", "năm học mới", "giáo dục"],
        "days_ago": 3,
        "hour": 7,
        "minute": 10,
        "featured": False,
        "image_color": "#ffb703",
        "status": "published",
    },
    {
        "title": "Triển khai chiến dịch tiêm bổ sung vắc-xin sởi cho trẻ em từ 1 đến 5 tuổi",
        "category": "giao-duc-y-te",
        "extra_categories": [],
        "lead": (
            "Sở Y tế tỉnh An Hòa triển khai chiến dịch tiêm bổ sung vắc-xin sởi tại các xã, "
            "phường có nguy cơ cao, hướng tới mục tiêu đạt tỷ lệ tiêm trên 95% số trẻ trong diện "
            "tiêm."
        ),
        "body": (
            "<p>Chiến dịch được tổ chức tại trạm y tế xã, phường và các điểm tiêm lưu động ở "
            "trường mầm non. Khoảng 38 nghìn trẻ từ 1 đến 5 tuổi chưa tiêm đủ hai mũi vắc-xin có "
            "thành phần sởi sẽ được tiêm miễn phí.</p>\n"
            "<h2>Phụ huynh cần làm gì?</h2>\n"
            "<p>Để việc tiêm chủng diễn ra an toàn, ngành y tế khuyến cáo cha mẹ:</p>\n"
            "<ul><li>Mang theo sổ hoặc phiếu tiêm chủng của trẻ khi đến điểm tiêm;</li><li>Thông "
            "báo cho nhân viên y tế tình trạng sức khỏe, tiền sử dị ứng của trẻ;</li><li>Ở lại "
            "điểm tiêm ít nhất 30 phút sau khi tiêm để theo dõi;</li><li>Tiếp tục theo dõi trẻ "
            "tại nhà trong 24 giờ và đưa ngay đến cơ sở y tế nếu có biểu hiện bất "
            "thường.</li></ul>\n"
            "<p>Bác sĩ Lương Minh Trí, Giám đốc Trung tâm Kiểm soát bệnh tật tỉnh, cho biết sởi "
            "là bệnh truyền nhiễm cấp tính, lây lan rất nhanh và có thể gây biến chứng nguy hiểm "
            "như viêm phổi, viêm não. Tiêm vắc-xin đầy đủ, đúng lịch là biện pháp phòng bệnh "
            "hiệu quả nhất.</p>\n"
            "<p>Lịch tiêm cụ thể tại từng địa phương được thông báo trên loa truyền thanh xã và "
            "trang thông tin điện tử của Sở Y tế.</p>"
        ),
        "image_caption": "Nhân viên y tế tiêm vắc-xin sởi cho trẻ tại trạm y tế phường.",
        "image_position": "beside",
        "author": "Phương Linh",
        "source": "Sở Y tế",
        "tags": ["tiêm chủng", "vắc-xin sởi", "y tế dự phòng"],
        "days_ago": 15,
        "hour": 11,
        "minute": 35,
        "featured": False,
        "image_color": "#90be6d",
        "status": "published",
    },
    {
        "title": "Ngành y tế An Hòa tăng cường phòng, chống sốt xuất huyết trong cao điểm mùa mưa",
        "category": "giao-duc-y-te",
        "extra_categories": [],
        "lead": (
            "Từ đầu năm đến nay, toàn tỉnh ghi nhận hơn 1.100 ca mắc sốt xuất huyết, tăng 30% so "
            "với cùng kỳ; ngành y tế đã phối hợp với các địa phương tổ chức chiến dịch diệt lăng "
            "quăng, bọ gậy trên diện rộng."
        ),
        "body": (
            "<p>Các ca bệnh tập trung chủ yếu tại thành phố An Hòa, thị xã Hòa Thắng và huyện "
            "Đồng Hưng. Nhiều ổ dịch đã được phát hiện sớm và xử lý kịp thời, không để lan rộng. "
            "Hiện chưa ghi nhận trường hợp tử vong do sốt xuất huyết.</p>\n"
            "<h2>Mỗi gia đình là một pháo đài phòng dịch</h2>\n"
            "<p>Ngành y tế khuyến cáo người dân hằng tuần kiểm tra, thu dọn các vật dụng chứa "
            "nước đọng quanh nhà; đậy kín dụng cụ chứa nước; thả cá vào bể, lu chứa nước lớn; "
            "ngủ màn kể cả ban ngày. Khi có biểu hiện sốt cao đột ngột, cần đến ngay cơ sở y tế "
            "để được khám và theo dõi, không tự ý điều trị tại nhà.</p>\n"
            "<p>Các bệnh viện đã chuẩn bị đủ giường bệnh, thuốc, dịch truyền và phân luồng khám "
            "riêng cho bệnh nhân sốt xuất huyết. Đội ngũ bác sĩ tuyến huyện, tuyến xã được tập "
            "huấn cập nhật phác đồ chẩn đoán, điều trị để phát hiện sớm các dấu hiệu cảnh "
            "báo.</p>\n"
            "<h3>Huy động cả cộng đồng tham gia</h3>\n"
            "<p>Các trường học, đoàn thể và tổ dân phố được đề nghị đồng loạt tổ chức ra quân vệ "
            "sinh môi trường vào sáng Chủ nhật hằng tuần trong suốt mùa mưa.</p>"
        ),
        "image_caption": "Cán bộ y tế phun hóa chất diệt muỗi tại khu dân cư.",
        "image_position": "under",
        "author": "Phương Linh",
        "source": "Sở Y tế",
        "tags": ["sốt xuất huyết", "phòng chống dịch", "y tế"],
        "days_ago": 30,
        "hour": 15,
        "minute": 0,
        "featured": False,
        "image_color": "#d62828",
        "status": "published",
    },
    {
        "title": "Kỳ thi tốt nghiệp trung học phổ thông tại An Hòa diễn ra an toàn, nghiêm túc",
        "category": "giao-duc-y-te",
        "extra_categories": [],
        "lead": (
            "Hơn 15 nghìn thí sinh đã hoàn thành các môn thi tại 42 điểm thi trên địa bàn tỉnh; "
            "không có thí sinh vi phạm quy chế phải đình chỉ thi."
        ),
        "body": (
            "<p>Theo Sở Giáo dục và Đào tạo, tỷ lệ thí sinh dự thi đạt 99,7%. Công tác in sao, "
            "vận chuyển, bảo quản đề thi và bài thi được thực hiện chặt chẽ, đúng quy trình dưới "
            "sự giám sát của lực lượng công an. Các điểm thi đều được trang bị camera giám sát "
            "phòng chứa đề thi và bài thi.</p>\n"
            "<h2>Nhiều hoạt động hỗ trợ thí sinh</h2>\n"
            "<p>Trong những ngày thi, hàng trăm tình nguyện viên thuộc chương trình “Tiếp sức "
            "mùa thi” đã có mặt tại các điểm thi để hướng dẫn, giữ đồ, cung cấp nước uống miễn "
            "phí cho thí sinh và phụ huynh. Ngành điện lực bảo đảm cấp điện liên tục, ngành y tế "
            "bố trí cán bộ trực tại tất cả các điểm thi.</p>\n"
            "<p>Với những thí sinh ở vùng sâu, vùng xa, các trường đã bố trí chỗ ở, xe đưa đón "
            "và suất ăn miễn phí. Một số thí sinh bị ốm trong thời gian thi đã được nhân viên y "
            "tế chăm sóc kịp thời và tiếp tục hoàn thành bài thi.</p>\n"
            "<p>Công tác chấm thi sẽ được tiến hành tập trung tại Trường Cao đẳng Sư phạm An "
            "Hòa. Thí sinh có thể tra cứu điểm thi tại <a "
            'href="https://example.gov.vn/tra-cuu-diem-thi">trang tra cứu của Sở Giáo dục và '
            "Đào tạo</a> khi có thông báo chính thức.</p>"
        ),
        "image_caption": "Thí sinh làm thủ tục dự thi tại một điểm thi ở thành phố An Hòa.",
        "image_position": "beside",
        "author": "Thu Trang - Sở Giáo dục và Đào tạo",
        "source": "Sở Giáo dục và Đào tạo",
        "tags": ["thi tốt nghiệp", "giáo dục", "tiếp sức mùa thi"],
        "days_ago": 94,
        "hour": 17,
        "minute": 5,
        "featured": False,
        "image_color": "#3a86ff",
        "status": "published",
    },
    {
        "title": (
            "Khám sàng lọc, cấp thuốc miễn phí cho gần 1.500 người cao tuổi tại các xã vùng sâu"
        ),
        "category": "giao-duc-y-te",
        "extra_categories": [],
        "lead": (
            "Chương trình do Hội Người cao tuổi tỉnh phối hợp với Bệnh viện Đa khoa tỉnh tổ chức "
            "tại 6 xã thuộc huyện Mỹ Lâm và huyện Vĩnh Xuân."
        ),
        "body": (
            "<p>Các đoàn khám gồm bác sĩ chuyên khoa nội, tim mạch, mắt, răng hàm mặt và xét "
            "nghiệm đã đến tận trạm y tế xã để khám cho người cao tuổi. Người dân được đo huyết "
            "áp, xét nghiệm đường huyết, đo điện tim, siêu âm và tư vấn chế độ dinh dưỡng phù "
            "hợp.</p>\n"
            "<figure>{image}<figcaption>Bác sĩ Bệnh viện Đa khoa tỉnh khám bệnh cho người cao "
            "tuổi tại trạm y tế xã.</figcaption></figure>\n"
            "<h2>Phát hiện sớm nhiều bệnh mạn tính</h2>\n"
            "<p>Qua khám sàng lọc, các bác sĩ phát hiện gần 400 trường hợp tăng huyết áp, hơn "
            "120 trường hợp nghi đái tháo đường và nhiều người mắc bệnh về mắt như đục thủy tinh "
            "thể. Những trường hợp cần điều trị chuyên sâu được tư vấn chuyển tuyến; người bệnh "
            "đục thủy tinh thể sẽ được hỗ trợ phẫu thuật miễn phí trong đợt tới.</p>\n"
            "<p>Cụ Hà Văn Lượm, 84 tuổi, ở xã Sơn Thủy xúc động nói: “Nhà xa, đường đi lại khó "
            "khăn nên lâu rồi tôi không đi khám. Nay các bác sĩ về tận xã, lại cho thuốc, tôi "
            "mừng lắm”.</p>\n"
            "<p>Tổng kinh phí chương trình hơn 600 triệu đồng, do các nhà hảo tâm và doanh "
            "nghiệp trong tỉnh tài trợ.</p>"
        ),
        "image_caption": "Người cao tuổi được tư vấn sử dụng thuốc sau khi khám.",
        "image_position": "beside",
        "author": "Phương Linh",
        "source": "Hội Người cao tuổi tỉnh",
        "tags": ["người cao tuổi", "khám bệnh miễn phí", "an sinh xã hội"],
        "days_ago": 116,
        "hour": 10,
        "minute": 50,
        "featured": False,
        "image_color": "#06d6a0",
        "status": "published",
    },
    {
        "title": "Nông dân An Hòa trúng mùa lúa hè thu, năng suất đạt gần 6,5 tấn mỗi ha",
        "category": "nong-nghiep-moi-truong",
        "extra_categories": [],
        "lead": (
            "Vụ lúa hè thu năm nay, toàn tỉnh gieo trồng hơn 42 nghìn ha; năng suất và giá bán "
            "đều tăng giúp người nông dân có lãi khá sau thu hoạch."
        ),
        "body": (
            "<p>Theo Sở Nông nghiệp và Phát triển nông thôn, năng suất lúa bình quân toàn tỉnh "
            "đạt 64,8 tạ/ha, tăng 2,3 tạ/ha so với vụ hè thu năm trước. Nhiều cánh đồng lớn áp "
            "dụng cơ giới hóa đồng bộ đạt năng suất trên 75 tạ/ha.</p>\n"
            "<figure>{image}<figcaption>Máy gặt đập liên hợp thu hoạch lúa trên cánh đồng lớn xã "
            "Tân Mỹ.</figcaption></figure>\n"
            "<h2>Sử dụng giống mới, sản xuất theo hướng an toàn</h2>\n"
            "<p>Kết quả trên có được nhờ các địa phương chỉ đạo gieo sạ tập trung, đúng lịch "
            "thời vụ, sử dụng giống lúa chất lượng cao chiếm trên 85% diện tích. Nhiều hợp tác "
            "xã áp dụng quy trình canh tác giảm lượng giống, phân bón, thuốc bảo vệ thực vật, "
            "vừa giảm chi phí vừa bảo vệ môi trường.</p>\n"
            "<p>Giá lúa tươi tại ruộng dao động từ 7.200 đến 7.800 đồng/kg, cao hơn cùng kỳ. Sau "
            "khi trừ chi phí, nông dân lãi từ 18 đến 22 triệu đồng mỗi ha. Ông Ngô Văn Tư, xã "
            "Tân Mỹ, cho biết gia đình ông thu hoạch gần 13 tấn lúa trên 2 ha, đây là vụ lúa "
            "trúng nhất trong nhiều năm.</p>\n"
            "<p>Ngành nông nghiệp khuyến cáo bà con xử lý rơm rạ đúng cách, không đốt đồng, vệ "
            "sinh đồng ruộng để chuẩn bị tốt cho vụ sản xuất tiếp theo.</p>"
        ),
        "image_caption": "Nông dân phơi lúa sau thu hoạch vụ hè thu.",
        "image_position": "beside",
        "author": "Hữu Phước",
        "source": "Sở Nông nghiệp và Phát triển nông thôn",
        "tags": ["lúa hè thu", "nông nghiệp", "cơ giới hóa"],
        "days_ago": 6,
        "hour": 13,
        "minute": 25,
        "featured": False,
        "image_color": "#e9c46a",
        "status": "published",
    },
    {
        "title": "An Hòa có thêm 18 sản phẩm được công nhận đạt chuẩn OCOP từ 3 sao",
        "category": "nong-nghiep-moi-truong",
        "extra_categories": [],
        "lead": (
            "Hội đồng đánh giá, phân hạng sản phẩm cấp tỉnh vừa công nhận thêm 18 sản phẩm OCOP, "
            "nâng tổng số sản phẩm đạt chuẩn trên địa bàn tỉnh lên 156 sản phẩm."
        ),
        "body": (
            "<p>Trong đợt này có 2 sản phẩm đạt 4 sao là nước mắm truyền thống Hòa Thắng và mật "
            "ong hoa cà phê Mỹ Lâm; 16 sản phẩm còn lại đạt 3 sao, gồm bánh tráng, trà thảo mộc, "
            "tinh dầu sả, bưởi hữu cơ, hạt điều rang muối và một số sản phẩm thủ công mỹ "
            "nghệ.</p>\n"
            "<h2>Nâng cao giá trị nông sản địa phương</h2>\n"
            "<p>Sau khi được công nhận, các chủ thể được hỗ trợ thiết kế bao bì, nhãn mác, đăng "
            "ký mã số mã vạch và tem truy xuất nguồn gốc. Nhiều sản phẩm đã có mặt tại hệ thống "
            "siêu thị, cửa hàng giới thiệu đặc sản và các sàn thương mại điện tử lớn.</p>\n"
            "<p>Bà Trương Thị Kim Loan, Giám đốc hợp tác xã sản xuất nước mắm truyền thống Hòa "
            "Thắng, cho biết sau khi đạt chuẩn OCOP, sản lượng tiêu thụ của hợp tác xã tăng gần "
            "40%, giá bán ổn định hơn, đời sống của các thành viên được cải thiện rõ rệt.</p>\n"
            "<h3>Phát triển OCOP gắn với du lịch</h3>\n"
            "<p>Thời gian tới, tỉnh sẽ tiếp tục hỗ trợ các chủ thể nâng hạng sản phẩm, xây dựng "
            "điểm bán OCOP tại các khu du lịch và tham gia hội chợ xúc tiến thương mại trong và "
            "ngoài nước.</p>"
        ),
        "image_caption": "Các sản phẩm OCOP của tỉnh An Hòa được trưng bày tại hội chợ.",
        "image_position": "beside",
        "author": "Hoài Thương - Báo An Hòa",
        "source": "Văn phòng Điều phối nông thôn mới tỉnh",
        "tags": ["OCOP", "đặc sản địa phương", "xúc tiến thương mại"],
        "days_ago": 2,
        "hour": 16,
        "minute": 55,
        "featured": False,
        "image_color": "#fb8500",
        "status": "published",
    },
    {
        "title": "Chuyển đổi cây trồng giúp nông dân vùng khô hạn thích ứng với biến đổi khí hậu",
        "category": "nong-nghiep-moi-truong",
        "extra_categories": [],
        "lead": (
            "Tại các huyện thường xuyên thiếu nước tưới, nhiều diện tích lúa kém hiệu quả đã "
            "được chuyển sang trồng bắp, đậu phộng, rau màu và cây ăn quả, cho thu nhập cao hơn "
            "từ 1,5 đến 2 lần."
        ),
        "body": (
            "<p>Năm nay, toàn tỉnh chuyển đổi hơn 2.300 ha đất trồng lúa thiếu nước sang các "
            "loại cây trồng cạn ít sử dụng nước. Huyện Đồng Hưng là địa phương chuyển đổi nhiều "
            "nhất với gần 900 ha, chủ yếu trồng bắp sinh khối phục vụ chăn nuôi bò và trồng dưa "
            "hấu.</p>\n"
            "<h2>Ứng dụng tưới tiết kiệm nước</h2>\n"
            "<p>Cùng với chuyển đổi cây trồng, nhiều hộ dân đã đầu tư hệ thống tưới nhỏ giọt, "
            "tưới phun mưa có điều khiển qua điện thoại, giúp tiết kiệm từ 30 đến 40% lượng nước "
            "và giảm đáng kể công lao động. Nhà nước hỗ trợ một phần kinh phí mua thiết bị đối "
            "với các hộ tham gia mô hình.</p>\n"
            "<p>Ông Cao Minh Đạt, xã Phú Hưng, huyện Đồng Hưng chia sẻ: “Ruộng của tôi trước đây "
            "làm lúa chỉ được một vụ, năm nào nắng hạn là mất trắng. Chuyển sang trồng bắp và "
            "đậu phộng luân canh, đất tốt hơn, thu nhập lại ổn định”.</p>\n"
            "<p>Sở Nông nghiệp và Phát triển nông thôn cho biết sẽ tiếp tục rà soát quy hoạch "
            "vùng sản xuất, hướng dẫn nông dân chuyển đổi phù hợp với điều kiện thổ nhưỡng, "
            "nguồn nước và nhu cầu thị trường, tránh chuyển đổi tự phát.</p>"
        ),
        "image_caption": "Cánh đồng bắp được chuyển đổi từ đất lúa thiếu nước tại huyện Đồng Hưng.",
        "image_position": "under",
        "author": "Hữu Phước",
        "source": "Sở Nông nghiệp và Phát triển nông thôn",
        "tags": ["chuyển đổi cây trồng", "biến đổi khí hậu", "tưới tiết kiệm"],
        "days_ago": 80,
        "hour": 8,
        "minute": 35,
        "featured": False,
        "image_color": "#588157",
        "status": "published",
    },
    {
        "title": (
            "Hưởng ứng Chiến dịch Làm cho thế giới sạch hơn, hàng nghìn người ra quân thu gom rác"
        ),
        "category": "nong-nghiep-moi-truong",
        "extra_categories": ["hoat-dong-co-so"],
        "lead": (
            "Đồng loạt tại các huyện, thị xã, thành phố, cán bộ, đoàn viên, hội viên và người "
            "dân đã ra quân dọn vệ sinh bãi biển, kênh mương, khu dân cư, thu gom hàng chục tấn "
            "rác thải."
        ),
        "body": (
            "<p>Lễ ra quân cấp tỉnh được tổ chức tại bãi biển phường Hòa Thắng với sự tham gia "
            "của hơn 1.500 người. Chỉ trong một buổi sáng, các lực lượng đã thu gom gần 8 tấn "
            "rác, chủ yếu là túi ni lông, chai nhựa và lưới đánh cá cũ trôi dạt vào bờ.</p>\n"
            "<h2>Nói không với rác thải nhựa</h2>\n"
            "<p>Năm nay, chiến dịch tập trung tuyên truyền về giảm thiểu rác thải nhựa và phân "
            "loại rác tại nguồn. Nhiều tiểu thương tại các chợ đã cam kết hạn chế sử dụng túi ni "
            "lông, thay bằng túi giấy, lá chuối. Các trường học phát động phong trào “Đổi rác "
            "lấy cây xanh”, thu hút đông đảo học sinh tham gia.</p>\n"
            "<blockquote><p>Bảo vệ môi trường không phải là việc làm của một ngày, mà phải trở "
            "thành thói quen hằng ngày của mỗi người dân.</p></blockquote>\n"
            "<p>Sở Tài nguyên và Môi trường đề nghị các địa phương duy trì hoạt động vệ sinh môi "
            "trường định kỳ, xử lý nghiêm các hành vi xả rác, đổ thải không đúng nơi quy định; "
            "đồng thời nhân rộng mô hình phân loại rác tại hộ gia đình đang thí điểm ở thành phố "
            "An Hòa.</p>"
        ),
        "image_caption": "Đoàn viên thanh niên thu gom rác thải tại bãi biển Hòa Thắng.",
        "image_position": "beside",
        "author": "Khánh Vy",
        "source": "Sở Tài nguyên và Môi trường",
        "tags": ["bảo vệ môi trường", "rác thải nhựa", "vệ sinh môi trường"],
        "days_ago": 7,
        "hour": 6,
        "minute": 15,
        "featured": False,
        "image_color": "#2d6a4f",
        "status": "published",
    },
    {
        "title": "Trồng mới hơn 40 héc-ta rừng ngập mặn ven biển, góp phần chống xói lở",
        "category": "nong-nghiep-moi-truong",
        "extra_categories": [],
        "lead": (
            "Dự án trồng rừng ngập mặn tại các xã ven biển huyện Vĩnh Xuân đã hoàn thành giai "
            "đoạn một, với tỷ lệ cây sống đạt trên 85%."
        ),
        "body": (
            "<p>Các loài cây được trồng chủ yếu là đước, bần chua và mắm trắng, phù hợp với điều "
            "kiện bãi bồi ven biển. Khi phát triển, dải rừng có tác dụng giảm sóng, giữ đất, hạn "
            "chế xói lở và bảo vệ tuyến đê biển dài hơn 6 km phía sau.</p>\n"
            "<h2>Cộng đồng cùng bảo vệ rừng</h2>\n"
            "<p>Dự án huy động sự tham gia của người dân địa phương trong tất cả các khâu, từ "
            "ươm cây giống, trồng đến chăm sóc, bảo vệ. Ba tổ cộng đồng bảo vệ rừng đã được "
            "thành lập, mỗi hộ tham gia được hỗ trợ kinh phí chăm sóc và được hưởng lợi từ việc "
            "khai thác thủy sản tự nhiên dưới tán rừng theo quy định.</p>\n"
            "<p>Ông Tạ Văn Quý, tổ trưởng tổ bảo vệ rừng thôn Xuân Hải, cho biết: “Ngày trước "
            "vùng này có rừng, sau bị phá để nuôi tôm nên mỗi khi có bão là sóng đánh vào tận "
            "chân đê. Nay trồng lại rừng, bà con ai cũng phấn khởi và có ý thức giữ gìn”.</p>\n"
            "<h3>Hướng tới phục hồi hệ sinh thái ven biển</h3>\n"
            "<p>Giai đoạn hai của dự án dự kiến trồng thêm 60 ha, kết hợp xây dựng tuyến du lịch "
            "sinh thái rừng ngập mặn nhằm tạo thêm sinh kế cho người dân.</p>"
        ),
        "image_caption": "Người dân trồng cây đước tại bãi bồi ven biển huyện Vĩnh Xuân.",
        "image_position": "beside",
        "author": "Đức Minh",
        "source": "Chi cục Kiểm lâm tỉnh",
        "tags": ["rừng ngập mặn", "chống xói lở", "biến đổi khí hậu"],
        "days_ago": 120,
        "hour": 15,
        "minute": 30,
        "featured": False,
        "image_color": "#40916c",
        "status": "published",
    },
]

BANNERS: list[dict] = [
    {
        "title": "Cổng Dịch vụ công tỉnh An Hòa",
        "target_url": "https://dichvucong.example.gov.vn/",
        "color": "#c0392b",
        "order": 1,
    },
    {
        "title": "Hệ thống văn bản điều hành",
        "target_url": "https://vanban.example.gov.vn/",
        "color": "#1f5f99",
        "order": 2,
    },
    {
        "title": "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        "target_url": "https://example.gov.vn/hoc-tap-va-lam-theo-bac",
        "color": "#b8860b",
        "order": 3,
    },
    {
        "title": "Cổng thông tin điện tử tỉnh An Hòa",
        "target_url": "https://anhoa.example.gov.vn/",
        "color": "#2e7d32",
        "order": 4,
    },
]

LINKS: list[dict] = [
    {
        "title": "Cổng thông tin điện tử tỉnh An Hòa",
        "target_url": "https://anhoa.example.gov.vn/",
        "order": 1,
    },
    {
        "title": "Báo An Hòa điện tử",
        "target_url": "https://baoanhoa.example.vn/",
        "order": 2,
    },
    {
        "title": "Đài Phát thanh và Truyền hình An Hòa",
        "target_url": "https://truyenhinhanhoa.example.vn/",
        "order": 3,
    },
    {
        "title": "Cổng Dịch vụ công tỉnh An Hòa",
        "target_url": "https://dichvucong.example.gov.vn/",
        "order": 4,
    },
    {
        "title": "Trang thông tin Ban Tuyên giáo Tỉnh ủy",
        "target_url": "https://tuyengiao.example.gov.vn/",
        "order": 5,
    },
    {
        "title": "Cơ sở dữ liệu văn bản pháp luật",
        "target_url": "https://vbpl.example.gov.vn/",
        "order": 6,
    },
]

DOCUMENT_TYPES: list[str] = [
    "Hướng dẫn",
    "Công văn",
    "Kế hoạch",
    "Quyết định",
    "Thông báo",
    "Báo cáo",
]

ISSUERS: list[str] = [
    "Ban Tuyên giáo Tỉnh ủy",
    "UBND tỉnh An Hòa",
    "Sở Thông tin và Truyền thông",
    "Sở Giáo dục và Đào tạo",
]

FIELDS: list[dict] = [
    {
        "name": "Chính trị - Tư tưởng",
        "slug": "chinh-tri-tu-tuong",
        "parent": None,
    },
    {
        "name": "Tuyên truyền, báo chí",
        "slug": "tuyen-truyen-bao-chi",
        "parent": "chinh-tri-tu-tuong",
    },
    {
        "name": "Thông tin và Truyền thông",
        "slug": "thong-tin-truyen-thong",
        "parent": None,
    },
    {
        "name": "Ứng dụng CNTT, chuyển đổi số",
        "slug": "ung-dung-cntt",
        "parent": "thong-tin-truyen-thong",
    },
    {
        "name": "An toàn thông tin",
        "slug": "an-toan-thong-tin",
        "parent": "thong-tin-truyen-thong",
    },
    {
        "name": "Cải cách hành chính",
        "slug": "cai-cach-hanh-chinh",
        "parent": None,
    },
    {
        "name": "Giáo dục - Đào tạo",
        "slug": "giao-duc-dao-tao",
        "parent": None,
    },
    {
        "name": "Văn hóa - Xã hội",
        "slug": "van-hoa-xa-hoi",
        "parent": None,
    },
]

DOCUMENTS: list[dict] = [
    {
        "code": "118-HD/BTGTU",
        "title": (
            "Hướng dẫn tuyên truyền kỷ niệm các ngày lễ lớn, sự kiện lịch sử quan trọng trong quý"
        ),
        "summary": (
            "Hướng dẫn nội dung, hình thức tuyên truyền kỷ niệm các ngày lễ lớn, sự kiện lịch sử "
            "quan trọng của đất nước và của tỉnh An Hòa trong quý."
        ),
        "body": (
            "Áp dụng đối với các cơ quan báo chí, ban tuyên giáo huyện ủy, thị ủy, thành ủy và "
            "đảng ủy trực thuộc."
        ),
        "type": "Hướng dẫn",
        "issuer": "Ban Tuyên giáo Tỉnh ủy",
        "signer": "Đoàn Thị Mỹ Hạnh",
        "signer_position": "Phó Trưởng ban",
        "fields": ["tuyen-truyen-bao-chi"],
        "issued_days_ago": 12,
        "in_force_days_after_issue": 0,
        "expires_days_after_issue": None,
        "replaces": None,
        "related": ["45-KH/BTGTU"],
        "pages": [
            (
                "Thực hiện chương trình công tác năm, Ban Tuyên giáo Tỉnh ủy hướng dẫn công tác "
                "tuyên truyền kỷ niệm các ngày lễ lớn, sự kiện lịch sử quan trọng trong quý như "
                "sau."
            ),
            (
                "Mục đích: giáo dục truyền thống yêu nước, cách mạng, củng cố niềm tin của cán "
                "bộ, đảng viên và nhân dân vào sự lãnh đạo của Đảng; cổ vũ các phong trào thi "
                "đua trên địa bàn tỉnh."
            ),
            (
                "Hình thức: tuyên truyền trên các cơ quan báo chí, hệ thống truyền thanh cơ sở, "
                "cổng thông tin điện tử, mạng xã hội; tổ chức mít tinh, hội thảo, triển lãm ảnh "
                "phù hợp với điều kiện từng địa phương."
            ),
            (
                "Các cơ quan, đơn vị báo cáo kết quả thực hiện về Ban Tuyên giáo Tỉnh ủy trước "
                "ngày 25 của tháng cuối quý để tổng hợp."
            ),
        ],
        "file_name": "Hướng dẫn số 118-HD-BTGTU.pdf",
    },
    {
        "code": "1383-CV/BTGTU",
        "title": "Về việc tăng cường định hướng thông tin trên mạng xã hội",
        "summary": (
            "Đề nghị các cơ quan, đơn vị tăng cường định hướng thông tin, chủ động cung cấp "
            "thông tin chính thống và đấu tranh với thông tin sai sự thật trên mạng xã hội."
        ),
        "body": "",
        "type": "Công văn",
        "issuer": "Ban Tuyên giáo Tỉnh ủy",
        "signer": "Trần Quang Vịnh",
        "signer_position": "Trưởng ban",
        "fields": ["chinh-tri-tu-tuong", "an-toan-thong-tin"],
        "issued_days_ago": 25,
        "in_force_days_after_issue": 0,
        "expires_days_after_issue": None,
        "replaces": None,
        "related": ["118-HD/BTGTU", "56/HD-STTTT"],
        "pages": [
            (
                "Thời gian qua, trên một số trang mạng xã hội xuất hiện thông tin chưa được kiểm "
                "chứng, gây hoang mang dư luận về một số chủ trương, chính sách của tỉnh."
            ),
            (
                "Ban Tuyên giáo Tỉnh ủy đề nghị các cơ quan, đơn vị chủ động cung cấp thông tin "
                "chính thống, kịp thời trả lời những vấn đề dư luận quan tâm; phát huy vai trò "
                "của lực lượng cộng tác viên dư luận xã hội."
            ),
            (
                "Khi phát hiện thông tin sai sự thật, các đơn vị phối hợp với Sở Thông tin và "
                "Truyền thông, Công an tỉnh để xác minh, xử lý theo quy định của pháp luật."
            ),
        ],
        "file_name": "Công văn số 1383-CV-BTGTU.pdf",
    },
    {
        "code": "45-KH/BTGTU",
        "title": "Kế hoạch tổ chức Hội thi báo cáo viên giỏi cấp tỉnh",
        "summary": (
            "Kế hoạch tổ chức Hội thi báo cáo viên giỏi cấp tỉnh nhằm nâng cao chất lượng đội "
            "ngũ báo cáo viên, tuyên truyền viên của Đảng bộ tỉnh."
        ),
        "body": (
            "Hội thi gồm hai vòng: vòng sơ khảo tại các đảng bộ trực thuộc và vòng chung khảo "
            "cấp tỉnh."
        ),
        "type": "Kế hoạch",
        "issuer": "Ban Tuyên giáo Tỉnh ủy",
        "signer": "Đoàn Thị Mỹ Hạnh",
        "signer_position": "Phó Trưởng ban",
        "fields": ["tuyen-truyen-bao-chi"],
        "issued_days_ago": 60,
        "in_force_days_after_issue": 0,
        "expires_days_after_issue": 180,
        "replaces": None,
        "related": [],
        "pages": [
            (
                "Hội thi nhằm phát hiện, bồi dưỡng và nhân rộng những báo cáo viên có năng lực, "
                "phương pháp truyền đạt tốt; góp phần đổi mới nội dung, phương thức công tác "
                "tuyên truyền miệng."
            ),
            (
                "Đối tượng dự thi là báo cáo viên cấp tỉnh, cấp huyện và tuyên truyền viên cơ "
                "sở. Mỗi đảng bộ trực thuộc cử từ hai đến ba thí sinh tham gia vòng chung khảo."
            ),
            (
                "Nội dung thi gồm phần thuyết trình theo chủ đề tự chọn và phần xử lý tình huống "
                "thực tiễn trong công tác tuyên truyền ở cơ sở."
            ),
        ],
        "file_name": "Kế hoạch số 45-KH-BTGTU.pdf",
    },
    {
        "code": "27-TB/BTGTU",
        "title": (
            "Thông báo kết luận của Thường trực Ban Tuyên giáo Tỉnh ủy tại hội nghị giao ban báo "
            "chí quý"
        ),
        "summary": (
            "Thông báo kết luận của Thường trực Ban Tuyên giáo Tỉnh ủy về kết quả hoạt động báo "
            "chí trong quý và định hướng nội dung tuyên truyền thời gian tới."
        ),
        "body": "",
        "type": "Thông báo",
        "issuer": "Ban Tuyên giáo Tỉnh ủy",
        "signer": "Trần Quang Vịnh",
        "signer_position": "Trưởng ban",
        "fields": ["tuyen-truyen-bao-chi"],
        "issued_days_ago": 95,
        "in_force_days_after_issue": 0,
        "expires_days_after_issue": None,
        "replaces": None,
        "related": ["1383-CV/BTGTU"],
        "pages": [
            (
                "Trong quý, các cơ quan báo chí của tỉnh đã bám sát định hướng, phản ánh kịp "
                "thời các sự kiện chính trị, kinh tế - xã hội quan trọng; chất lượng nội dung và "
                "hình thức thể hiện có nhiều tiến bộ."
            ),
            (
                "Thường trực Ban Tuyên giáo Tỉnh ủy đề nghị các cơ quan báo chí tăng cường các "
                "tuyến bài về chuyển đổi số, cải cách hành chính, xây dựng nông thôn mới và "
                "gương người tốt, việc tốt."
            ),
        ],
        "file_name": "Thông báo số 27-TB-BTGTU.pdf",
    },
    {
        "code": "96-BC/BTGTU",
        "title": (
            "Báo cáo kết quả công tác tuyên giáo sáu tháng đầu năm và phương hướng nhiệm vụ sáu "
            "tháng cuối năm"
        ),
        "summary": (
            "Đánh giá kết quả công tác tuyên giáo sáu tháng đầu năm, chỉ ra hạn chế, nguyên nhân "
            "và đề ra phương hướng, nhiệm vụ trọng tâm sáu tháng cuối năm."
        ),
        "body": "",
        "type": "Báo cáo",
        "issuer": "Ban Tuyên giáo Tỉnh ủy",
        "signer": "Trần Quang Vịnh",
        "signer_position": "Trưởng ban",
        "fields": ["chinh-tri-tu-tuong"],
        "issued_days_ago": 140,
        "in_force_days_after_issue": 0,
        "expires_days_after_issue": None,
        "replaces": None,
        "related": [],
        "pages": [
            (
                "Sáu tháng đầu năm, công tác tuyên giáo được triển khai đồng bộ, toàn diện; việc "
                "học tập, quán triệt các nghị quyết của Đảng được tổ chức nghiêm túc với tỷ lệ "
                "cán bộ, đảng viên tham gia đạt trên 95%."
            ),
            (
                "Công tác nắm bắt, định hướng dư luận xã hội được chú trọng; lực lượng cộng tác "
                "viên dư luận xã hội đã gửi hơn 300 báo cáo phản ánh tâm trạng, ý kiến của nhân "
                "dân."
            ),
            (
                "Sáu tháng cuối năm, ngành tuyên giáo tập trung đổi mới phương thức tuyên "
                "truyền, đẩy mạnh ứng dụng công nghệ số và nâng cao chất lượng đội ngũ báo cáo "
                "viên cơ sở."
            ),
        ],
        "file_name": "Báo cáo số 96-BC-BTGTU.pdf",
    },
    {
        "code": "38-KH/BTGTU",
        "title": "Kế hoạch tuyên truyền cao điểm bảo đảm trật tự an toàn giao thông dịp cuối năm",
        "summary": (
            "Kế hoạch tuyên truyền cao điểm về bảo đảm trật tự an toàn giao thông trong dịp cuối "
            "năm và các ngày nghỉ lễ, Tết."
        ),
        "body": "Kế hoạch hết hiệu lực sau khi kết thúc đợt cao điểm.",
        "type": "Kế hoạch",
        "issuer": "Ban Tuyên giáo Tỉnh ủy",
        "signer": "Đoàn Thị Mỹ Hạnh",
        "signer_position": "Phó Trưởng ban",
        "fields": ["tuyen-truyen-bao-chi", "van-hoa-xa-hoi"],
        "issued_days_ago": 300,
        "in_force_days_after_issue": 3,
        "expires_days_after_issue": 90,
        "replaces": None,
        "related": [],
        "pages": [
            (
                "Đợt tuyên truyền cao điểm nhằm nâng cao ý thức chấp hành pháp luật về trật tự "
                "an toàn giao thông của người dân, góp phần kéo giảm tai nạn giao thông trong "
                "dịp cuối năm."
            ),
            (
                "Nội dung tuyên truyền tập trung vào các quy định về nồng độ cồn, tốc độ, đội mũ "
                "bảo hiểm và không giao xe cho người chưa đủ tuổi điều khiển."
            ),
            (
                "Các cơ quan báo chí, hệ thống truyền thanh cơ sở mở chuyên mục, tăng thời lượng "
                "phát sóng tin, bài về an toàn giao thông trong suốt thời gian cao điểm."
            ),
        ],
        "file_name": "Kế hoạch số 38-KH-BTGTU.pdf",
    },
    {
        "code": "45/KH-UBND",
        "title": "Kế hoạch thực hiện chuyển đổi số tỉnh An Hòa năm nay",
        "summary": (
            "Kế hoạch xác định mục tiêu, nhiệm vụ và giải pháp thực hiện chuyển đổi số trên ba "
            "trụ cột chính quyền số, kinh tế số và xã hội số trên địa bàn tỉnh An Hòa trong năm."
        ),
        "body": (
            "Các sở, ngành, địa phương xây dựng kế hoạch chi tiết, gửi Sở Thông tin và Truyền "
            "thông tổng hợp."
        ),
        "type": "Kế hoạch",
        "issuer": "UBND tỉnh An Hòa",
        "signer": "Trịnh Quốc Bảo",
        "signer_position": "Phó Chủ tịch",
        "fields": ["ung-dung-cntt"],
        "issued_days_ago": 110,
        "in_force_days_after_issue": 0,
        "expires_days_after_issue": 365,
        "replaces": None,
        "related": ["33/KH-STTTT", "1827/QĐ-UBND"],
        "pages": [
            (
                "Mục tiêu chung: phát triển chính quyền số hoạt động hiệu quả, lấy người dân, "
                "doanh nghiệp làm trung tâm; thúc đẩy kinh tế số và xã hội số phát triển nhanh, "
                "bền vững."
            ),
            (
                "Chỉ tiêu chủ yếu: 80% hồ sơ thủ tục hành chính được xử lý trực tuyến; 100% văn "
                "bản trao đổi giữa các cơ quan nhà nước dưới dạng điện tử; 70% dân số trưởng "
                "thành có tài khoản thanh toán điện tử."
            ),
            (
                "Nhiệm vụ trọng tâm: hoàn thiện hạ tầng số, phát triển các cơ sở dữ liệu dùng "
                "chung, vận hành hiệu quả Trung tâm Giám sát, điều hành đô thị thông minh và "
                "nâng cao kỹ năng số cho người dân."
            ),
        ],
        "file_name": "Kế hoạch số 45-KH-UBND.pdf",
    },
    {
        "code": "1827/QĐ-UBND",
        "title": (
            "Quyết định công bố danh mục thủ tục hành chính thực hiện dịch vụ công trực tuyến "
            "toàn trình"
        ),
        "summary": (
            "Công bố danh mục 386 thủ tục hành chính thuộc thẩm quyền giải quyết của các cấp "
            "chính quyền tỉnh An Hòa được cung cấp dưới hình thức dịch vụ công trực tuyến toàn "
            "trình."
        ),
        "body": "Danh mục chi tiết kèm theo Quyết định.",
        "type": "Quyết định",
        "issuer": "UBND tỉnh An Hòa",
        "signer": "Hồ Đức Thạnh",
        "signer_position": "Chủ tịch",
        "fields": ["cai-cach-hanh-chinh", "ung-dung-cntt"],
        "issued_days_ago": 75,
        "in_force_days_after_issue": 0,
        "expires_days_after_issue": None,
        "replaces": None,
        "related": ["45/KH-UBND"],
        "pages": [
            (
                "Điều 1. Công bố kèm theo Quyết định này danh mục 386 thủ tục hành chính được "
                "cung cấp dịch vụ công trực tuyến toàn trình trên Cổng Dịch vụ công tỉnh An Hòa."
            ),
            (
                "Điều 2. Các sở, ban, ngành và UBND các huyện, thị xã, thành phố có trách nhiệm "
                "cấu hình, vận hành quy trình điện tử và hướng dẫn người dân, doanh nghiệp thực "
                "hiện."
            ),
            (
                "Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng UBND tỉnh, "
                "thủ trưởng các cơ quan, đơn vị liên quan chịu trách nhiệm thi hành."
            ),
        ],
        "file_name": "Quyết định số 1827-QĐ-UBND.pdf",
    },
    {
        "code": "2356/UBND-VX",
        "title": "Về việc chủ động phòng, chống bệnh sốt xuất huyết trong mùa mưa",
        "summary": (
            "Yêu cầu các sở, ngành, địa phương triển khai đồng bộ các biện pháp phòng, chống sốt "
            "xuất huyết, không để dịch bùng phát trên diện rộng."
        ),
        "body": "",
        "type": "Công văn",
        "issuer": "UBND tỉnh An Hòa",
        "signer": "Phan Thị Ngọc Diệp",
        "signer_position": "Phó Chủ tịch",
        "fields": ["van-hoa-xa-hoi"],
        "issued_days_ago": 33,
        "in_force_days_after_issue": 0,
        "expires_days_after_issue": None,
        "replaces": None,
        "related": [],
        "pages": [
            (
                "Thời gian gần đây, số ca mắc sốt xuất huyết trên địa bàn tỉnh có xu hướng tăng, "
                "nhất là tại các khu dân cư đông đúc."
            ),
            (
                "UBND tỉnh yêu cầu Sở Y tế chỉ đạo giám sát chặt chẽ, xử lý triệt để ổ dịch; "
                "UBND cấp huyện tổ chức chiến dịch diệt lăng quăng, bọ gậy định kỳ hằng tuần."
            ),
            (
                "Các cơ quan thông tin đại chúng tăng cường tuyên truyền để người dân chủ động "
                "áp dụng các biện pháp phòng bệnh tại gia đình."
            ),
        ],
        "file_name": "Công văn số 2356-UBND-VX.pdf",
    },
    {
        "code": "89/BC-UBND",
        "title": "Báo cáo kết quả công tác cải cách hành chính chín tháng đầu năm",
        "summary": (
            "Báo cáo kết quả thực hiện công tác cải cách hành chính chín tháng đầu năm, nhiệm vụ "
            "trọng tâm ba tháng cuối năm trên địa bàn tỉnh An Hòa."
        ),
        "body": "",
        "type": "Báo cáo",
        "issuer": "UBND tỉnh An Hòa",
        "signer": "Trịnh Quốc Bảo",
        "signer_position": "Phó Chủ tịch",
        "fields": ["cai-cach-hanh-chinh"],
        "issued_days_ago": 5,
        "in_force_days_after_issue": 0,
        "expires_days_after_issue": None,
        "replaces": None,
        "related": ["1827/QĐ-UBND"],
        "pages": [
            (
                "Chín tháng đầu năm, các cơ quan hành chính trên địa bàn tỉnh đã tiếp nhận hơn "
                "215 nghìn hồ sơ thủ tục hành chính, tỷ lệ giải quyết đúng hạn đạt 98,9%."
            ),
            (
                "Tỷ lệ hồ sơ trực tuyến toàn trình tăng mạnh, đạt trên 65%; việc số hóa hồ sơ, "
                "kết quả giải quyết thủ tục hành chính được thực hiện tại cả ba cấp chính quyền."
            ),
            (
                "Ba tháng cuối năm, UBND tỉnh tập trung rà soát, đơn giản hóa thủ tục hành "
                "chính, nâng cao chất lượng phục vụ tại bộ phận một cửa các cấp."
            ),
        ],
        "file_name": "Báo cáo số 89-BC-UBND.pdf",
    },
    {
        "code": "15/TB-UBND",
        "title": "Thông báo lịch tiếp công dân định kỳ của Chủ tịch UBND tỉnh",
        "summary": (
            "Thông báo lịch tiếp công dân định kỳ hằng tháng của Chủ tịch UBND tỉnh An Hòa tại "
            "Trụ sở Tiếp công dân tỉnh."
        ),
        "body": "Công dân đăng ký trước tại Ban Tiếp công dân tỉnh.",
        "type": "Thông báo",
        "issuer": "UBND tỉnh An Hòa",
        "signer": "Hồ Đức Thạnh",
        "signer_position": "Chủ tịch",
        "fields": ["cai-cach-hanh-chinh"],
        "issued_days_ago": 48,
        "in_force_days_after_issue": 0,
        "expires_days_after_issue": None,
        "replaces": None,
        "related": [],
        "pages": [
            (
                "Chủ tịch UBND tỉnh tiếp công dân định kỳ vào ngày 15 hằng tháng tại Trụ sở Tiếp "
                "công dân tỉnh; nếu trùng ngày nghỉ thì chuyển sang ngày làm việc tiếp theo."
            ),
            (
                "Công dân đến trình bày khiếu nại, tố cáo, kiến nghị, phản ánh cần mang theo "
                "giấy tờ tùy thân và các tài liệu liên quan đến nội dung trình bày."
            ),
        ],
        "file_name": "Thông báo số 15-TB-UBND.pdf",
    },
    {
        "code": "12/QĐ-STTTT",
        "title": (
            "Quyết định ban hành Quy chế quản lý, vận hành Cổng thông tin điện tử Sở Thông tin "
            "và Truyền thông"
        ),
        "summary": (
            "Ban hành Quy chế quản lý, vận hành, cung cấp và cập nhật thông tin trên Cổng thông "
            "tin điện tử Sở Thông tin và Truyền thông tỉnh An Hòa."
        ),
        "body": "Đã được thay thế bởi Quyết định số 87/QĐ-STTTT.",
        "type": "Quyết định",
        "issuer": "Sở Thông tin và Truyền thông",
        "signer": "Vũ Hoài Nam",
        "signer_position": "Giám đốc",
        "fields": ["thong-tin-truyen-thong"],
        "issued_days_ago": 380,
        "in_force_days_after_issue": 10,
        "expires_days_after_issue": 180,
        "replaces": None,
        "related": [],
        "pages": [
            (
                "Quy chế quy định về tổ chức quản lý, vận hành Cổng thông tin điện tử của Sở; "
                "trách nhiệm cung cấp, cập nhật thông tin của các phòng, đơn vị trực thuộc."
            ),
            (
                "Ban Biên tập Cổng thông tin điện tử chịu trách nhiệm biên tập, kiểm duyệt nội "
                "dung trước khi đăng tải; bảo đảm thông tin chính xác, kịp thời và đúng quy "
                "định."
            ),
        ],
        "file_name": "Quyết định số 12-QĐ-STTTT.pdf",
    },
    {
        "code": "87/QĐ-STTTT",
        "title": (
            "Quyết định ban hành Quy chế quản lý, vận hành Cổng thông tin điện tử Sở Thông tin "
            "và Truyền thông (sửa đổi)"
        ),
        "summary": (
            "Ban hành Quy chế quản lý, vận hành Cổng thông tin điện tử Sở thay thế Quy chế ban "
            "hành kèm theo Quyết định số 12/QĐ-STTTT, bổ sung quy định về chuyên mục văn bản "
            "điều hành."
        ),
        "body": "Đã được thay thế bởi Quyết định số 145/QĐ-STTTT.",
        "type": "Quyết định",
        "issuer": "Sở Thông tin và Truyền thông",
        "signer": "Vũ Hoài Nam",
        "signer_position": "Giám đốc",
        "fields": ["thong-tin-truyen-thong"],
        "issued_days_ago": 200,
        "in_force_days_after_issue": 10,
        "expires_days_after_issue": 170,
        "replaces": "12/QĐ-STTTT",
        "related": ["12/QĐ-STTTT"],
        "pages": [
            (
                "Quy chế sửa đổi bổ sung chuyên mục văn bản chỉ đạo, điều hành; quy định việc "
                "công khai văn bản trong thời hạn hai ngày làm việc kể từ ngày ký."
            ),
            (
                "Bổ sung trách nhiệm của Trung tâm Công nghệ thông tin và Truyền thông trong "
                "việc bảo đảm an toàn thông tin, sao lưu dữ liệu định kỳ cho Cổng thông tin điện "
                "tử."
            ),
            (
                "Quyết định này thay thế Quyết định số 12/QĐ-STTTT của Giám đốc Sở Thông tin và "
                "Truyền thông."
            ),
        ],
        "file_name": "Quyết định số 87-QĐ-STTTT.pdf",
    },
    {
        "code": "145/QĐ-STTTT",
        "title": (
            "Quyết định ban hành Quy chế quản lý, vận hành Cổng thông tin điện tử và các kênh "
            "thông tin số của Sở"
        ),
        "summary": (
            "Ban hành Quy chế mới về quản lý, vận hành Cổng thông tin điện tử và các kênh thông "
            "tin số của Sở Thông tin và Truyền thông, thay thế Quyết định số 87/QĐ-STTTT."
        ),
        "body": "Quy chế mở rộng phạm vi áp dụng đối với trang mạng xã hội chính thức của Sở.",
        "type": "Quyết định",
        "issuer": "Sở Thông tin và Truyền thông",
        "signer": "Vũ Hoài Nam",
        "signer_position": "Giám đốc",
        "fields": ["thong-tin-truyen-thong", "an-toan-thong-tin"],
        "issued_days_ago": 28,
        "in_force_days_after_issue": 10,
        "expires_days_after_issue": None,
        "replaces": "87/QĐ-STTTT",
        "related": ["87/QĐ-STTTT", "56/HD-STTTT"],
        "pages": [
            (
                "Quy chế áp dụng đối với Cổng thông tin điện tử, trang mạng xã hội chính thức và "
                "kênh thông tin trên ứng dụng An Hòa số do Sở quản lý."
            ),
            (
                "Thông tin đăng tải phải được Trưởng Ban Biên tập hoặc người được ủy quyền phê "
                "duyệt; thông tin có sai sót phải được cải chính chậm nhất trong 24 giờ kể từ "
                "khi phát hiện."
            ),
            (
                "Quyết định này có hiệu lực sau 10 ngày kể từ ngày ký và thay thế Quyết định số "
                "87/QĐ-STTTT."
            ),
        ],
        "file_name": "Quyết định số 145-QĐ-STTTT.pdf",
    },
    {
        "code": "56/HD-STTTT",
        "title": (
            "Hướng dẫn bảo đảm an toàn thông tin cho hệ thống thông tin của các cơ quan nhà nước"
        ),
        "summary": (
            "Hướng dẫn các cơ quan nhà nước trên địa bàn tỉnh xác định cấp độ, triển khai phương "
            "án bảo đảm an toàn thông tin cho các hệ thống thông tin đang vận hành."
        ),
        "body": "",
        "type": "Hướng dẫn",
        "issuer": "Sở Thông tin và Truyền thông",
        "signer": "Lê Quang Thiện",
        "signer_position": "Phó Giám đốc",
        "fields": ["an-toan-thong-tin"],
        "issued_days_ago": 150,
        "in_force_days_after_issue": 0,
        "expires_days_after_issue": None,
        "replaces": None,
        "related": ["1383-CV/BTGTU"],
        "pages": [
            (
                "Các cơ quan, đơn vị rà soát, lập danh mục hệ thống thông tin đang quản lý và "
                "xây dựng hồ sơ đề xuất cấp độ theo quy định."
            ),
            (
                "Mỗi hệ thống thông tin phải có phương án bảo đảm an toàn thông tin tương ứng "
                "với cấp độ, bao gồm quản lý truy cập, sao lưu dữ liệu và giám sát an toàn mạng."
            ),
            (
                "Khi xảy ra sự cố, đơn vị báo cáo ngay về Đội ứng cứu sự cố an toàn thông tin "
                "mạng của tỉnh để được hỗ trợ xử lý."
            ),
        ],
        "file_name": "Hướng dẫn số 56-HD-STTTT.pdf",
    },
    {
        "code": "33/KH-STTTT",
        "title": "Kế hoạch tập huấn kỹ năng số cho thành viên tổ công nghệ số cộng đồng",
        "summary": (
            "Kế hoạch tổ chức các lớp tập huấn kỹ năng số cho thành viên tổ công nghệ số cộng "
            "đồng tại các xã, phường, thị trấn trên địa bàn tỉnh."
        ),
        "body": "",
        "type": "Kế hoạch",
        "issuer": "Sở Thông tin và Truyền thông",
        "signer": "Lê Quang Thiện",
        "signer_position": "Phó Giám đốc",
        "fields": ["ung-dung-cntt"],
        "issued_days_ago": 70,
        "in_force_days_after_issue": 0,
        "expires_days_after_issue": 120,
        "replaces": None,
        "related": ["45/KH-UBND"],
        "pages": [
            (
                "Tổ chức 12 lớp tập huấn tại các huyện, thị xã, thành phố cho khoảng 800 thành "
                "viên tổ công nghệ số cộng đồng."
            ),
            (
                "Nội dung tập huấn gồm: sử dụng tài khoản định danh điện tử, dịch vụ công trực "
                "tuyến, thanh toán không dùng tiền mặt và kỹ năng phòng, chống lừa đảo trực "
                "tuyến."
            ),
        ],
        "file_name": "Kế hoạch số 33-KH-STTTT.pdf",
    },
    {
        "code": "1520/SGDĐT-GDTrH",
        "title": "Về việc hướng dẫn thực hiện nhiệm vụ giáo dục trung học năm học mới",
        "summary": (
            "Hướng dẫn các trường trung học cơ sở, trung học phổ thông thực hiện nhiệm vụ giáo "
            "dục trung học năm học mới theo Chương trình giáo dục phổ thông hiện hành."
        ),
        "body": "",
        "type": "Công văn",
        "issuer": "Sở Giáo dục và Đào tạo",
        "signer": "Mai Xuân Thịnh",
        "signer_position": "Phó Giám đốc",
        "fields": ["giao-duc-dao-tao"],
        "issued_days_ago": 20,
        "in_force_days_after_issue": 0,
        "expires_days_after_issue": None,
        "replaces": None,
        "related": ["25/KH-SGDĐT"],
        "pages": [
            (
                "Các trường xây dựng kế hoạch giáo dục nhà trường phù hợp với điều kiện thực tế, "
                "bảo đảm thực hiện đầy đủ nội dung chương trình các môn học và hoạt động giáo "
                "dục."
            ),
            (
                "Đẩy mạnh đổi mới phương pháp dạy học, kiểm tra, đánh giá theo hướng phát triển "
                "phẩm chất, năng lực học sinh; tăng cường ứng dụng công nghệ thông tin trong dạy "
                "học."
            ),
            (
                "Chú trọng giáo dục đạo đức, kỹ năng sống, giáo dục thể chất và bảo đảm an toàn "
                "trường học."
            ),
        ],
        "file_name": "Công văn số 1520-SGDĐT-GDTrH.pdf",
    },
    {
        "code": "25/KH-SGDĐT",
        "title": "Kế hoạch tổ chức kỳ thi chọn học sinh giỏi cấp tỉnh các môn văn hóa lớp 12",
        "summary": (
            "Kế hoạch tổ chức kỳ thi chọn học sinh giỏi cấp tỉnh các môn văn hóa lớp 12 và thành "
            "lập đội tuyển dự thi học sinh giỏi quốc gia."
        ),
        "body": "",
        "type": "Kế hoạch",
        "issuer": "Sở Giáo dục và Đào tạo",
        "signer": "Mai Xuân Thịnh",
        "signer_position": "Phó Giám đốc",
        "fields": ["giao-duc-dao-tao"],
        "issued_days_ago": 180,
        "in_force_days_after_issue": 0,
        "expires_days_after_issue": None,
        "replaces": None,
        "related": [],
        "pages": [
            (
                "Kỳ thi được tổ chức cho 10 môn văn hóa, dành cho học sinh lớp 12 đang học tại "
                "các trường trung học phổ thông trên địa bàn tỉnh."
            ),
            (
                "Trên cơ sở kết quả kỳ thi, Sở Giáo dục và Đào tạo tổ chức thi chọn đội tuyển và "
                "bồi dưỡng học sinh tham dự kỳ thi chọn học sinh giỏi quốc gia."
            ),
        ],
        "file_name": "Kế hoạch số 25-KH-SGDĐT.pdf",
    },
    {
        "code": "102/QĐ-SGDĐT",
        "title": "Quyết định thành lập Ban Chỉ đạo chuyển đổi số ngành giáo dục tỉnh An Hòa",
        "summary": (
            "Thành lập Ban Chỉ đạo chuyển đổi số ngành giáo dục, quy định chức năng, nhiệm vụ và "
            "thành phần Ban Chỉ đạo."
        ),
        "body": "",
        "type": "Quyết định",
        "issuer": "Sở Giáo dục và Đào tạo",
        "signer": "Đặng Thị Bích Thủy",
        "signer_position": "Giám đốc",
        "fields": ["giao-duc-dao-tao", "ung-dung-cntt"],
        "issued_days_ago": 240,
        "in_force_days_after_issue": 0,
        "expires_days_after_issue": None,
        "replaces": None,
        "related": ["45/KH-UBND"],
        "pages": [
            (
                "Điều 1. Thành lập Ban Chỉ đạo chuyển đổi số ngành giáo dục tỉnh An Hòa do Giám "
                "đốc Sở Giáo dục và Đào tạo làm Trưởng ban."
            ),
            (
                "Điều 2. Ban Chỉ đạo có nhiệm vụ giúp Giám đốc Sở chỉ đạo, điều phối việc triển "
                "khai chuyển đổi số trong quản lý, dạy và học; xây dựng cơ sở dữ liệu ngành giáo "
                "dục."
            ),
            "Điều 3. Quyết định có hiệu lực kể từ ngày ký.",
        ],
        "file_name": "Quyết định số 102-QĐ-SGDĐT.pdf",
    },
]
